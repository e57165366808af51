// Command templatecheck parses Go templates the way Argo CD loads them, to
// check the TypeScript parser in src/private/go-template-parser.ts against
// the real text/template.
//
// It reads a JSON array of template texts on stdin and writes a JSON array
// with, for each, whether template.New("t").Funcs(funcMap).Parse(text)
// succeeded, Go's error if not, and otherwise the String() of every parsed
// template by name. The function map is sprig's TxtFuncMap without env and
// expandenv, as notifications-engine builds it (pkg/templates/service.go).
//
// Usage: templatecheck [-extra a,b] [-drop c,d] < texts.json
//
// -extra adds functions by name (doing nothing), -drop removes some: the
// ApplicationSet controller's map is -extra normalize,slugify,toYaml,fromYaml,fromYamlArray -drop getHostByName.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
)

type result struct {
	OK    bool              `json:"ok"`
	Error string            `json:"error,omitempty"`
	Trees map[string]string `json:"trees,omitempty"`
}

func names(list string) []string {
	if list == "" {
		return nil
	}
	return strings.Split(list, ",")
}

func main() {
	extra := flag.String("extra", "", "comma-separated names of functions to add")
	drop := flag.String("drop", "", "comma-separated names of functions to remove")
	flag.Parse()

	funcMap := sprig.TxtFuncMap()
	delete(funcMap, "env")
	delete(funcMap, "expandenv")
	for _, name := range names(*extra) {
		funcMap[name] = func(args ...interface{}) string { return "" }
	}
	for _, name := range names(*drop) {
		delete(funcMap, name)
	}

	var texts []string
	if err := json.NewDecoder(os.Stdin).Decode(&texts); err != nil {
		fmt.Fprintln(os.Stderr, "reading templates:", err)
		os.Exit(2)
	}
	results := make([]result, 0, len(texts))
	for _, text := range texts {
		t, err := template.New("t").Funcs(funcMap).Parse(text)
		if err != nil {
			results = append(results, result{Error: err.Error()})
			continue
		}
		trees := map[string]string{}
		for _, tmpl := range t.Templates() {
			if tmpl.Tree != nil && tmpl.Tree.Root != nil {
				trees[tmpl.Name()] = tmpl.Tree.Root.String()
			}
		}
		results = append(results, result{OK: true, Trees: trees})
	}
	if err := json.NewEncoder(os.Stdout).Encode(results); err != nil {
		fmt.Fprintln(os.Stderr, "writing results:", err)
		os.Exit(2)
	}
}
