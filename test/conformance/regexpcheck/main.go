// Command regexpcheck compiles regular expressions with Go's regexp package,
// as expr's checker does for the constant pattern of `matches`, and reports
// the error of each, or "" when it compiles.
//
// Input on stdin: a JSON array of patterns. Output on stdout: a JSON array of
// error messages, one per pattern, in order.
package main

import (
	"encoding/json"
	"os"
	"regexp"
)

func main() {
	var patterns []string
	if err := json.NewDecoder(os.Stdin).Decode(&patterns); err != nil {
		panic(err)
	}
	out := make([]string, len(patterns))
	for i, p := range patterns {
		if _, err := regexp.Compile(p); err != nil {
			out[i] = err.Error()
		}
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}
