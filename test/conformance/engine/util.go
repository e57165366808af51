package main

import (
	"bytes"
	"crypto/sha1"
	"encoding/base64"
	"sort"
	texttemplate "text/template"
)

type textTemplate = texttemplate.Template

func parseTemplate(name, text string) (*texttemplate.Template, error) {
	return texttemplate.New(name).Funcs(funcMap()).Parse(text)
}

func execute(t *texttemplate.Template, vars map[string]interface{}) (string, error) {
	var b bytes.Buffer
	if err := t.Execute(&b, vars); err != nil {
		return "", err
	}
	return b.String(), nil
}

// hashWhen mirrors notifications-engine pkg/triggers/service.go.
func hashWhen(input string) string {
	h := sha1.New()
	_, _ = h.Write([]byte(input))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

func mapAt(o map[string]interface{}, path ...string) (map[string]interface{}, bool) {
	var cur interface{} = o
	for _, k := range path {
		m, ok := cur.(map[string]interface{})
		if !ok {
			return nil, false
		}
		cur = m[k]
	}
	m, ok := cur.(map[string]interface{})
	return m, ok
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func sortedKeysAny(m map[string]interface{}) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func sortedKeysInt(m map[string]int64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
