// Command exprcheck compiles expr expressions with the expr engine it is
// built against (Debian's github.com/antonmedv/expr 1.8.9, in GOPATH mode)
// and reports, for each, whether it parses and compiles, as Argo CD's
// notifications controller compiles trigger conditions: expr.Compile with no
// environment.
//
// Input on stdin: a JSON array of expressions. Output on stdout: a JSON array
// with one result per expression, in order.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/antonmedv/expr"
	"github.com/antonmedv/expr/ast"
	"github.com/antonmedv/expr/parser"
)

type result struct {
	// Compiled is true when expr.Compile succeeds.
	Compiled bool   `json:"compiled"`
	Error    string `json:"error,omitempty"`
	// Parsed is true when the parser alone accepts the expression.
	Parsed     bool   `json:"parsed"`
	ParseError string `json:"parseError,omitempty"`
	// Functions and Builtins are the names called as environment functions
	// and as builtins: a name that is a builtin in newer expr versions but a
	// plain function here compiles (nothing checks an absent environment)
	// and fails only when run.
	Functions []string `json:"functions"`
	Builtins  []string `json:"builtins"`
	// RunError is the error of running the compiled program against an empty
	// environment, if it fails.
	RunError string `json:"runError,omitempty"`
}

type calls struct {
	functions []string
	builtins  []string
}

func (c *calls) Enter(node *ast.Node) {}

func (c *calls) Exit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.FunctionNode:
		c.functions = append(c.functions, n.Name)
	case *ast.BuiltinNode:
		c.builtins = append(c.builtins, n.Name)
	}
}

func check(input string) (r result) {
	r.Functions = []string{}
	r.Builtins = []string{}
	defer func() {
		// A panic anywhere counts as a failure to compile, not a crash.
		if p := recover(); p != nil {
			r.Compiled = false
			r.Error = fmt.Sprintf("panic: %v", p)
		}
	}()
	tree, err := parser.Parse(input)
	if err != nil {
		r.ParseError = err.Error()
	} else {
		r.Parsed = true
		c := &calls{}
		ast.Walk(&tree.Node, c)
		r.Functions = append(r.Functions, c.functions...)
		r.Builtins = append(r.Builtins, c.builtins...)
	}
	program, err := expr.Compile(input)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	r.Compiled = true
	if _, err := expr.Run(program, map[string]interface{}{}); err != nil {
		r.RunError = err.Error()
	}
	return r
}

func main() {
	var inputs []string
	if err := json.NewDecoder(os.Stdin).Decode(&inputs); err != nil {
		fmt.Fprintf(os.Stderr, "exprcheck: reading a JSON array of strings from stdin: %v\n", err)
		os.Exit(2)
	}
	results := make([]result, 0, len(inputs))
	for _, input := range inputs {
		results = append(results, check(input))
	}
	out := json.NewEncoder(os.Stdout)
	if err := out.Encode(results); err != nil {
		fmt.Fprintf(os.Stderr, "exprcheck: %v\n", err)
		os.Exit(2)
	}
}
