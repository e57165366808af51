// Command engine is a model of Argo CD's notifications controller, built from
// the same engines it uses: Go text/template with sprig's TxtFuncMap (minus env
// and expandenv) for templates, and expr for trigger conditions.
//
// It loads the notifications configuration from synthesized manifests the way
// Argo CD (ConfigMap) or the argocd-operator (NotificationsConfiguration)
// delivers it, then replays sequences of Application states and prints, as
// JSON, the HTTP requests the controller would send for each state.
//
// Usage: engine -manifests a.yaml[,b.yaml] -fixtures fixtures.json [-token T]
//        engine -manifests a.yaml -dump
//
// Every YAML text (the manifest files, and each value of the configuration) is
// read the way Kubernetes, kubectl and Argo CD read it: sigs.k8s.io/yaml,
// which decodes with yaml.v2 and converts the result to JSON before
// unmarshalling it into structs with JSON field names. -dump prints the
// manifests as read that way, as JSON, so that callers can check every string
// survives the trip.
//
// Exit status 2 means the configuration failed to load: in Argo CD that
// disables every notification of the instance. Exit status 3 means a manifest
// file could not be read at all: kubectl and Argo CD would reject the sync.
package main

import (
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/Masterminds/sprig"
	"github.com/antonmedv/expr"
	"github.com/antonmedv/expr/vm"
	ghodss "github.com/ghodss/yaml"
	"gopkg.in/yaml.v2"
)

const (
	configMapName     = "argocd-notifications-cm"
	crName            = "default-notifications-configuration"
	secretName        = "argocd-notifications-secret"
	subscribePrefix   = "notifications.argoproj.io/subscribe."
	notifiedHistoryMx = 100
	notifiedKey       = "notified.notifications.argoproj.io"
)

// ---------------------------------------------------------------- manifests

type object = map[string]interface{}

func readManifests(paths []string) ([]object, error) {
	var docs []object
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		dec := yaml.NewDecoder(f)
		for {
			var raw interface{}
			err := dec.Decode(&raw)
			if err == io.EOF {
				break
			}
			if err != nil {
				f.Close()
				return nil, fmt.Errorf("%s: %w", p, err)
			}
			if raw == nil {
				continue
			}
			j, err := jsonable(raw)
			if err != nil {
				f.Close()
				return nil, fmt.Errorf("%s: %w", p, err)
			}
			doc, ok := j.(object)
			if !ok {
				f.Close()
				return nil, fmt.Errorf("%s: a document is not a mapping", p)
			}
			docs = append(docs, doc)
		}
		f.Close()
	}
	return docs, nil
}

// jsonable mirrors sigs.k8s.io/yaml's conversion of a yaml.v2 value to one
// encoding/json accepts: map keys become strings.
func jsonable(v interface{}) (interface{}, error) {
	switch t := v.(type) {
	case map[interface{}]interface{}:
		out := make(map[string]interface{}, len(t))
		for k, val := range t {
			var key string
			switch kt := k.(type) {
			case string:
				key = kt
			case int, int64, uint64, float64, bool:
				key = fmt.Sprint(kt)
			default:
				return nil, fmt.Errorf("unsupported map key %v (%T)", k, k)
			}
			c, err := jsonable(val)
			if err != nil {
				return nil, err
			}
			out[key] = c
		}
		return out, nil
	case []interface{}:
		out := make([]interface{}, len(t))
		for i, val := range t {
			c, err := jsonable(val)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	default:
		return v, nil
	}
}

// unmarshalYAML is sigs.k8s.io/yaml.Unmarshal, which notifications-engine
// decodes its configuration values with: ghodss/yaml, from which it was forked
// (Debian packages it; sigs.k8s.io/yaml is not). yaml.v2, then JSON into out,
// so struct fields are matched by their JSON names, and a YAML boolean or
// number is written as a string where out has a string (`when: true`).
func unmarshalYAML(text string, out interface{}) error {
	return ghodss.Unmarshal([]byte(text), out)
}

func str(o object, path ...string) string {
	var cur interface{} = o
	for _, k := range path {
		m, ok := cur.(object)
		if !ok {
			return ""
		}
		cur = m[k]
	}
	s, _ := cur.(string)
	return s
}

func stringMap(v interface{}) (map[string]string, error) {
	out := map[string]string{}
	if v == nil {
		return out, nil
	}
	m, ok := v.(object)
	if !ok {
		return nil, fmt.Errorf("expected a map, got %T", v)
	}
	for k, val := range m {
		s, ok := val.(string)
		if !ok {
			return nil, fmt.Errorf("value of %q is %T, not a string", k, val)
		}
		out[k] = s
	}
	return out, nil
}

// configData returns the argocd-notifications-cm data the controller would
// read: the ConfigMap's data, or the operator's rendering of the
// NotificationsConfiguration (controllers/notificationsconfiguration/configmap.go).
func configData(docs []object) (map[string]string, string, error) {
	for _, d := range docs {
		if d["kind"] == "NotificationsConfiguration" && str(d, "metadata", "name") == crName {
			spec, _ := d["spec"].(object)
			data := map[string]string{}
			for _, field := range []string{"triggers", "templates", "services", "subscriptions"} {
				m, err := stringMap(spec[field])
				if err != nil {
					return nil, "", fmt.Errorf("spec.%s: %w", field, err)
				}
				for k, v := range m {
					data[k] = v
				}
			}
			ctx, err := stringMap(spec["context"])
			if err != nil {
				return nil, "", fmt.Errorf("spec.context: %w", err)
			}
			if len(ctx) > 0 {
				keys := sortedKeys(ctx)
				var b strings.Builder
				for _, k := range keys {
					// The operator writes "key: value" lines without quoting.
					fmt.Fprintf(&b, "%s: %s\n", k, ctx[k])
				}
				data["context"] = b.String()
			}
			return data, "NotificationsConfiguration", nil
		}
	}
	for _, d := range docs {
		if d["kind"] == "ConfigMap" && str(d, "metadata", "name") == configMapName {
			data, err := stringMap(d["data"])
			return data, "ConfigMap", err
		}
	}
	return nil, "", fmt.Errorf("no %s ConfigMap or %s NotificationsConfiguration in the manifests", configMapName, crName)
}

func secretData(docs []object) (map[string]string, error) {
	out := map[string]string{}
	for _, d := range docs {
		if d["kind"] != "Secret" || str(d, "metadata", "name") != secretName {
			continue
		}
		data, err := stringMap(d["data"])
		if err != nil {
			return nil, err
		}
		for k, v := range data {
			raw, err := base64.StdEncoding.DecodeString(v)
			if err != nil {
				return nil, fmt.Errorf("secret data %q: %w", k, err)
			}
			out[k] = string(raw)
		}
		sd, err := stringMap(d["stringData"])
		if err != nil {
			return nil, err
		}
		for k, v := range sd {
			out[k] = v
		}
	}
	return out, nil
}

// ---------------------------------------------------------------- config

type condition struct {
	When        string   `json:"when"`
	OncePer     string   `json:"oncePer"`
	Send        []string `json:"send"`
	Description string   `json:"description"`
}

type header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type webhookOptions struct {
	URL                string        `json:"url"`
	Headers            []header      `json:"headers"`
	RetryWaitMin       time.Duration `json:"retryWaitMin"`
	RetryWaitMax       time.Duration `json:"retryWaitMax"`
	RetryMax           int           `json:"retryMax"`
	InsecureSkipVerify bool          `json:"insecureSkipVerify"`
	BasicAuth          *struct {
		Username string `json:"username"`
		Password string `json:"password"`
	} `json:"basicAuth"`
	MaxIdleConns        int           `json:"maxIdleConns"`
	MaxIdleConnsPerHost int           `json:"maxIdleConnsPerHost"`
	MaxConnsPerHost     int           `json:"maxConnsPerHost"`
	IdleConnTimeout     time.Duration `json:"idleConnTimeout"`
}

type webhookTemplate struct {
	Method string `json:"method"`
	Body   string `json:"body"`
	Path   string `json:"path"`
}

type notificationTemplate struct {
	Message string                     `json:"message"`
	Webhook map[string]webhookTemplate `json:"webhook"`
}

type compiledTemplate struct {
	message *template
	webhook map[string]compiledWebhook
}

type compiledWebhook struct {
	method string
	body   *template
	path   *template
}

type compiledCondition struct {
	condition
	when    *vm.Program
	oncePer *vm.Program
}

type subscription struct {
	Recipients []string `json:"recipients"`
	Triggers   []string `json:"triggers"`
	Selector   string   `json:"selector"`
}

type config struct {
	context         map[string]string
	services        map[string]webhookOptions
	others          map[string]string // services of other types (slack, email, ...): name -> type
	templates       map[string]compiledTemplate
	triggers        map[string][]compiledCondition
	subscriptions   []subscription
	defaultTriggers map[string][]string // "" = all services
}

var secretRef = regexp.MustCompile(`[$][\w-]+`)

// replaceSecrets mirrors notifications-engine's replaceStringSecret: a missing
// key leaves the reference as it is.
func replaceSecrets(text string, secret map[string]string) string {
	return secretRef.ReplaceAllStringFunc(text, func(ref string) string {
		if v, ok := secret[ref[1:]]; ok {
			return v
		}
		return ref
	})
}

// yamlToJSON decodes YAML with yaml.v2 and re-encodes it as JSON, as
// sigs.k8s.io/yaml.YAMLToJSON does.
func yamlToJSON(text string) ([]byte, error) {
	var v interface{}
	if err := yaml.Unmarshal([]byte(text), &v); err != nil {
		return nil, err
	}
	j, err := jsonable(v)
	if err != nil {
		return nil, err
	}
	return json.Marshal(j)
}

func loadConfig(data map[string]string, secret map[string]string) (*config, error) {
	cfg := &config{
		context:         map[string]string{},
		services:        map[string]webhookOptions{},
		others:          map[string]string{},
		templates:       map[string]compiledTemplate{},
		triggers:        map[string][]compiledCondition{},
		defaultTriggers: map[string][]string{},
	}
	for _, k := range sortedKeys(data) {
		v := data[k]
		parts := strings.Split(k, ".")
		switch {
		case k == "context":
			if err := unmarshalYAML(v, &cfg.context); err != nil {
				return nil, fmt.Errorf("context: %w", err)
			}
		case k == "subscriptions":
			if err := unmarshalYAML(v, &cfg.subscriptions); err != nil {
				return nil, fmt.Errorf("subscriptions: %w", err)
			}
		case k == "defaultTriggers" || strings.HasPrefix(k, "defaultTriggers."):
			var list []string
			if err := unmarshalYAML(v, &list); err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			cfg.defaultTriggers[strings.TrimPrefix(strings.TrimPrefix(k, "defaultTriggers"), ".")] = list
		case strings.HasPrefix(k, "template."):
			var t notificationTemplate
			if err := unmarshalYAML(v, &t); err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			name := strings.TrimPrefix(k, "template.")
			ct, err := compileTemplate(name, t)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			cfg.templates[name] = ct
		case strings.HasPrefix(k, "trigger."):
			var conds []condition
			if err := unmarshalYAML(v, &conds); err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			var compiled []compiledCondition
			for _, c := range conds {
				when := c.When
				if when == "" {
					when = "false"
				}
				prog, err := expr.Compile(when)
				if err != nil {
					return nil, fmt.Errorf("%s: when: %w", k, err)
				}
				cc := compiledCondition{condition: c, when: prog}
				if c.OncePer != "" {
					if cc.oncePer, err = expr.Compile(c.OncePer); err != nil {
						return nil, fmt.Errorf("%s: oncePer: %w", k, err)
					}
				}
				compiled = append(compiled, cc)
			}
			cfg.triggers[strings.TrimPrefix(k, "trigger.")] = compiled
		case strings.HasPrefix(k, "service."):
			if len(parts) < 2 || len(parts) > 3 {
				return nil, fmt.Errorf("%s: invalid service key: expected service.<type> or service.<type>.<name>", k)
			}
			if parts[1] != "webhook" {
				// Other services are modelled by what they are sent: the
				// template's message, to the recipient (no HTTP request).
				cfg.others[parts[len(parts)-1]] = parts[1]
				continue
			}
			if len(parts) != 3 {
				return nil, fmt.Errorf("%s: a webhook service needs a name", k)
			}
			raw, err := yamlToJSON(replaceSecrets(v, secret))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			var opts webhookOptions
			if err := json.Unmarshal(raw, &opts); err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			cfg.services[parts[2]] = opts
		}
	}
	for name, conds := range cfg.triggers {
		for _, c := range conds {
			for _, t := range c.Send {
				if _, ok := cfg.templates[t]; !ok {
					return nil, fmt.Errorf("trigger %s sends template %s, which is not defined", name, t)
				}
			}
		}
	}
	return cfg, nil
}

// ---------------------------------------------------------------- templates

type template = textTemplate

func compileTemplate(name string, t notificationTemplate) (compiledTemplate, error) {
	ct := compiledTemplate{webhook: map[string]compiledWebhook{}}
	var err error
	if ct.message, err = parseTemplate(name, t.Message); err != nil {
		return ct, err
	}
	for svc, w := range t.Webhook {
		body, err := parseTemplate(name+svc, w.Body)
		if err != nil {
			return ct, fmt.Errorf("webhook.%s.body: %w", svc, err)
		}
		path, err := parseTemplate(name+svc, w.Path)
		if err != nil {
			return ct, fmt.Errorf("webhook.%s.path: %w", svc, err)
		}
		ct.webhook[svc] = compiledWebhook{method: w.Method, body: body, path: path}
	}
	return ct, nil
}

func funcMap() map[string]interface{} {
	f := sprig.TxtFuncMap()
	delete(f, "env")
	delete(f, "expandenv")
	return f
}

// ---------------------------------------------------------------- subscriptions

type destination struct {
	Service   string `json:"service"`
	Recipient string `json:"recipient"`
}

type subscribed struct {
	trigger string
	dest    destination
}

func (cfg *config) subscriptionsOf(app object) ([]subscribed, error) {
	var out []subscribed
	seen := map[subscribed]bool{}
	add := func(s subscribed) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	// The annotations as pkg/subscriptions reads them (subscriptions.go).
	for _, s := range getDestinations(stringAnnotations(app), cfg.defaultTriggers[""], serviceDefaultTriggers(cfg.defaultTriggers)) {
		add(s)
	}
	labels, _ := mapAt(app, "metadata", "labels")
	for _, s := range cfg.subscriptions {
		ok, err := selectorMatches(s.Selector, labels)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		for _, r := range s.Recipients {
			svc, rcpt := r, ""
			if i := strings.Index(r, ":"); i >= 0 {
				svc, rcpt = r[:i], r[i+1:]
			}
			for _, t := range s.Triggers {
				add(subscribed{t, destination{svc, rcpt}})
			}
		}
	}
	return out, nil
}

// selectorMatches supports the equality-based label selector syntax
// (k=v, k==v, k!=v, k, !k), comma separated; "" matches everything.
func selectorMatches(selector string, labels object) (bool, error) {
	selector = strings.TrimSpace(selector)
	if selector == "" {
		return true, nil
	}
	for _, req := range strings.Split(selector, ",") {
		req = strings.TrimSpace(req)
		label := func(k string) (string, bool) {
			v, ok := labels[k].(string)
			return v, ok
		}
		switch {
		case strings.Contains(req, "!="):
			kv := strings.SplitN(req, "!=", 2)
			if v, ok := label(strings.TrimSpace(kv[0])); ok && v == strings.TrimSpace(kv[1]) {
				return false, nil
			}
		case strings.Contains(req, "=="):
			kv := strings.SplitN(req, "==", 2)
			if v, ok := label(strings.TrimSpace(kv[0])); !ok || v != strings.TrimSpace(kv[1]) {
				return false, nil
			}
		case strings.Contains(req, "="):
			kv := strings.SplitN(req, "=", 2)
			if v, ok := label(strings.TrimSpace(kv[0])); !ok || v != strings.TrimSpace(kv[1]) {
				return false, nil
			}
		case strings.HasPrefix(req, "!"):
			if _, ok := label(strings.TrimPrefix(req, "!")); ok {
				return false, nil
			}
		case strings.ContainsAny(req, " ()"):
			return false, fmt.Errorf("selector %q: set-based requirements are not modelled", selector)
		default:
			if _, ok := label(req); !ok {
				return false, nil
			}
		}
	}
	return true, nil
}

// ---------------------------------------------------------------- replay

type request struct {
	Trigger  string            `json:"trigger"`
	Template string            `json:"template"`
	Service  string            `json:"service"`
	Method   string            `json:"method"`
	URL      string            `json:"url"`
	Headers  map[string]string `json:"headers"`
	Body     string            `json:"body"`
}

type stepResult struct {
	Requests   []request  `json:"requests"`
	SendErrors []string   `json:"sendErrors"`
	// WhenErrors are the conditions that failed at runtime, "<trigger>: <error>"
	// (the controller logs "failed to execute when condition: <error>"), and
	// "<trigger> oncePer: <error>" for a oncePer that failed.
	WhenErrors []string   `json:"whenErrors"`
	Deliveries []delivery `json:"deliveries"`
	// Skipped: Argo CD did not process the state (operation finished, status
	// not reconciled since).
	Skipped bool `json:"skipped"`
	// Notified is the notified-state annotation after the state, as upstream
	// persists it (at most 100 entries).
	Notified map[string]int64 `json:"notified"`
}

type fixture struct {
	Name   string   `json:"name"`
	States []object `json:"states"`
	// Times is the controller's clock (RFC3339) at each state, for time.Now()
	// and the notified-state timestamps; by default one minute apart from
	// 2026-01-01T00:00:00Z.
	Times []string `json:"times"`
	// Waits are real seconds to pause before each state, when requests are
	// really sent: the time between two reconciles of the Application.
	Waits []float64 `json:"waits"`
	// TriggerOrder is the order to run triggers in (order.go).
	TriggerOrder []string `json:"triggerOrder"`
}

type fixtureResult struct {
	Name  string       `json:"name"`
	Steps []stepResult `json:"steps"`
}

// metrics mirrors notifications-engine pkg/controller/metrics.go:
// argocd_notifications_deliveries_total{trigger, service, succeeded} and
// argocd_notifications_trigger_eval_total{name, triggered}, keyed here as
// "trigger|service|succeeded" and "name|triggered".
type metrics struct {
	Deliveries         map[string]int `json:"deliveries"`
	TriggerEvaluations map[string]int `json:"triggerEvaluations"`
}

type state map[string]int64

// setAlreadyNotified mirrors notifications-engine pkg/controller/state.go.
func (s state) setAlreadyNotified(trigger, condKey, oncePer string, dest destination, notified bool, clock int64) bool {
	key := fmt.Sprintf("%s:%s:%s:%s", trigger, condKey, dest.Service, dest.Recipient)
	if oncePer != "" {
		key = oncePer + ":" + key
	}
	if _, already := s[key]; already == notified {
		return false
	}
	if notified {
		s[key] = clock
	} else {
		// A oncePer key is never removed: a failed send stays "notified".
		if oncePer != "" {
			return false
		}
		delete(s, key)
	}
	return true
}

// truncate mirrors state.go: at most 100 entries, dropping the oldest
// first. Upstream breaks ties (same second) in no fixed order; here by key.
func (s state) truncate() {
	if cnt := len(s) - notifiedHistoryMx; cnt > 0 {
		keys := sortedKeysInt(s)
		sort.SliceStable(keys, func(i, j int) bool { return s[keys[i]] < s[keys[j]] })
		for _, k := range keys[:cnt] {
			delete(s, k)
		}
	}
}

var defaultClockStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func (fx fixture) clock(i int) (time.Time, error) {
	if i < len(fx.Times) {
		return time.Parse(time.RFC3339, fx.Times[i])
	}
	return defaultClockStart.Add(time.Duration(i) * time.Minute), nil
}

func (cfg *config) replay(fx fixture, secret map[string]string, sendTo string, m *metrics) (fixtureResult, error) {
	res := fixtureResult{Name: fx.Name}
	st := state{}
	if len(fx.States) > 0 {
		st = stateOf(fx.States[0])
	}
	for i, app := range fx.States {
		// The Application carries the state in its annotation, as the
		// controller patched it: conditions and templates can read it.
		app = withState(app, st)
		if i < len(fx.Waits) && sendTo != "" {
			time.Sleep(time.Duration(fx.Waits[i] * float64(time.Second)))
		}
		now, err := fx.clock(i)
		if err != nil {
			return res, err
		}
		clock := now.Unix()
		step := stepResult{Requests: []request{}, SendErrors: []string{}, WhenErrors: []string{}, Deliveries: []delivery{}}
		if !syncStatusRefreshed(app) {
			step.Skipped = true
			step.Notified = copyState(st)
			res.Steps = append(res.Steps, step)
			continue
		}
		subs, err := cfg.subscriptionsOf(app)
		if err != nil {
			return res, err
		}
		vars := exprHelpers(now)
		vars["app"] = app
		// Group destinations by trigger, as the controller does.
		byTrigger := map[string][]destination{}
		var order []string
		for _, s := range subs {
			if _, ok := byTrigger[s.trigger]; !ok {
				order = append(order, s.trigger)
			}
			byTrigger[s.trigger] = append(byTrigger[s.trigger], s.dest)
		}
		for _, trigger := range runOrder(order, fx.TriggerOrder) {
			conds, ok := cfg.triggers[trigger]
			if !ok {
				step.SendErrors = append(step.SendErrors, fmt.Sprintf("trigger %q is not configured", trigger))
				continue
			}
			// triggers.Service.Run (pkg/triggers/service.go) evaluates every
			// condition. One whose when fails at runtime is logged ("failed to
			// execute when condition: <error>") and counts as not triggered: it
			// is counted in trigger_eval_total{triggered="false"} and clears
			// the notified state of a condition without oncePer, like a false
			// one. A oncePer that fails is logged ("failed to execute oncePer
			// condition") and leaves the oncePer value empty, so the
			// notification is keyed as if the condition had no oncePer.
			type result struct {
				condKey   string
				triggered bool
				oncePer   string
				send      []string
			}
			var results []result
			for i, c := range conds {
				r := result{condKey: fmt.Sprintf("[%d].%s", i, hashWhen(c.When)), send: c.Send}
				v, err := expr.Run(c.when, vars)
				if err != nil {
					step.WhenErrors = append(step.WhenErrors, fmt.Sprintf("%s: %v", trigger, err))
				} else {
					b, ok := v.(bool)
					r.triggered = ok && b
				}
				if r.triggered && c.oncePer != nil {
					v, err := expr.Run(c.oncePer, vars)
					if err != nil {
						step.WhenErrors = append(step.WhenErrors, fmt.Sprintf("%s oncePer: %v", trigger, err))
					} else {
						r.oncePer = fmt.Sprintf("%v", v)
					}
				}
				results = append(results, r)
			}
			for _, r := range results {
				m.TriggerEvaluations[fmt.Sprintf("%s|%t", trigger, r.triggered)]++
				for _, dest := range byTrigger[trigger] {
					if !r.triggered {
						st.setAlreadyNotified(trigger, r.condKey, r.oncePer, dest, false, clock)
						continue
					}
					if !st.setAlreadyNotified(trigger, r.condKey, r.oncePer, dest, true, clock) {
						continue
					}
					sendErr := ""
					for _, tmpl := range r.send {
						req, err := cfg.render(trigger, tmpl, dest, app, secret, now)
						if err != nil {
							sendErr = err.Error()
							break
						}
						step.Requests = append(step.Requests, req)
						if _, webhook := cfg.services[dest.Service]; sendTo != "" && webhook {
							d := send(req, cfg.services[dest.Service], sendTo)
							step.Deliveries = append(step.Deliveries, d)
							if d.Error != "" {
								sendErr = d.Error
								break
							}
						}
					}
					if sendErr != "" {
						step.SendErrors = append(step.SendErrors, sendErr)
						st.setAlreadyNotified(trigger, r.condKey, r.oncePer, dest, false, clock)
					}
					m.Deliveries[fmt.Sprintf("%s|%s|%t", trigger, dest.Service, sendErr == "")]++
				}
			}
		}
		st.truncate()
		step.Notified = copyState(st)
		res.Steps = append(res.Steps, step)
	}
	return res, nil
}

// stateOf mirrors state.go's NewStateFromRes: the annotation's JSON, or
// nothing when it is absent or unreadable.
func stateOf(app object) state {
	st := state{}
	annotations, _ := mapAt(app, "metadata", "annotations")
	if raw, ok := annotations[notifiedKey].(string); ok && raw != "" {
		if err := json.Unmarshal([]byte(raw), &st); err != nil {
			return state{}
		}
	}
	return st
}

// withState is the Application with the state in its annotation, as
// state.go's Persist writes it: removed when the state is empty.
func withState(app object, st state) object {
	metadata, _ := app["metadata"].(object)
	annotations, _ := mapAt(app, "metadata", "annotations")
	next := object{}
	for k, v := range annotations {
		next[k] = v
	}
	if len(st) == 0 {
		delete(next, notifiedKey)
	} else {
		raw, _ := json.Marshal(map[string]int64(st))
		next[notifiedKey] = string(raw)
	}
	if len(next) == 0 && annotations == nil {
		return app
	}
	out := object{}
	for k, v := range app {
		out[k] = v
	}
	meta := object{}
	for k, v := range metadata {
		meta[k] = v
	}
	meta["annotations"] = next
	out["metadata"] = meta
	return out
}

func copyState(s state) map[string]int64 {
	out := make(map[string]int64, len(s))
	for k, v := range s {
		out[k] = v
	}
	return out
}

func (cfg *config) render(trigger, tmplName string, dest destination, app object, secret map[string]string, now time.Time) (request, error) {
	opts, ok := cfg.services[dest.Service]
	otherType, other := cfg.others[dest.Service]
	if !ok && !other {
		return request{}, fmt.Errorf("service %q is not configured", dest.Service)
	}
	tmpl := cfg.templates[tmplName]
	ctx := map[string]string{}
	for k, v := range cfg.context {
		ctx[k] = v
	}
	ctx["notificationType"] = dest.Service
	vars := exprHelpers(now)
	vars["app"] = app
	vars["context"] = ctx
	vars["recipient"] = dest.Recipient
	vars["serviceType"] = "webhook"
	if other {
		vars["serviceType"] = otherType
	}
	message, err := execute(tmpl.message, vars)
	if err != nil {
		return request{}, fmt.Errorf("template %s message: %w", tmplName, err)
	}
	if other {
		// What the service sends: the message, to the recipient.
		return request{Trigger: trigger, Template: tmplName, Service: dest.Service, Method: "", URL: otherType + ":" + dest.Recipient, Body: message, Headers: map[string]string{}}, nil
	}
	req := request{Trigger: trigger, Template: tmplName, Service: dest.Service, Method: "GET", URL: opts.URL, Body: message, Headers: map[string]string{}}
	if w, ok := tmpl.webhook[dest.Service]; ok {
		body, err := execute(w.body, vars)
		if err != nil {
			return request{}, fmt.Errorf("template %s webhook body: %w", tmplName, err)
		}
		path, err := execute(w.path, vars)
		if err != nil {
			return request{}, fmt.Errorf("template %s webhook path: %w", tmplName, err)
		}
		req.Body = body
		if w.method != "" {
			req.Method = w.method
		}
		if path != "" {
			req.URL = strings.TrimRight(req.URL, "/") + "/" + strings.TrimLeft(path, "/")
		}
	}
	for _, h := range opts.Headers {
		req.Headers[h.Name] = h.Value
	}
	return req, nil
}

// ---------------------------------------------------------------- main

type output struct {
	Source   string                    `json:"source"`
	Config   map[string]bool           `json:"config"`
	Services map[string]webhookOptions `json:"services"`
	Fixtures []fixtureResult           `json:"fixtures"`
	Metrics  metrics                   `json:"metrics"`
}

func main() {
	manifests := flag.String("manifests", "", "comma-separated manifest files")
	fixtures := flag.String("fixtures", "", "fixtures JSON file: [{name, states: [Application, ...]}]")
	token := flag.String("token", "", "token to add to the notifications secret, under -token-key")
	dump := flag.Bool("dump", false, "print the manifests as Kubernetes reads them, as JSON, and exit")
	sendTo := flag.String("send-to", "", "really send every request, through go-retryablehttp, to this base URL instead of the configured host")
	tokenKey := flag.String("token-key", "backstage-token", "key of -token in the notifications secret")
	destinations := flag.String("destinations", "", "print the destinations GetDestinations derives from each annotation set of this JSON corpus, and exit")
	flag.Parse()
	if *destinations != "" {
		runDestinations(*destinations)
		return
	}

	docs, err := readManifests(strings.Split(*manifests, ","))
	if err != nil {
		fail(3, "reading manifests: %v", err)
	}
	if *dump {
		enc := json.NewEncoder(os.Stdout)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(docs); err != nil {
			fail(1, "%v", err)
		}
		return
	}
	data, source, err := configData(docs)
	if err != nil {
		fail(2, "config: %v", err)
	}
	secret, err := secretData(docs)
	if err != nil {
		fail(2, "secret: %v", err)
	}
	if *token != "" {
		secret[*tokenKey] = *token
	}
	cfg, err := loadConfig(data, secret)
	if err != nil {
		// All or nothing, as in Argo CD: one bad key disables every notification.
		fail(2, "config: %v", err)
	}
	out := output{Source: source, Config: map[string]bool{}, Services: cfg.services, Metrics: metrics{Deliveries: map[string]int{}, TriggerEvaluations: map[string]int{}}}
	for k := range data {
		out.Config[k] = true
	}
	if *fixtures != "" {
		raw, err := os.ReadFile(*fixtures)
		if err != nil {
			fail(1, "reading fixtures: %v", err)
		}
		var fxs []fixture
		if err := json.Unmarshal(raw, &fxs); err != nil {
			fail(1, "parsing fixtures: %v", err)
		}
		for _, fx := range fxs {
			r, err := cfg.replay(fx, secret, *sendTo, &out.Metrics)
			if err != nil {
				fail(1, "fixture %s: %v", fx.Name, err)
			}
			out.Fixtures = append(out.Fixtures, r)
		}
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		fail(1, "%v", err)
	}
}

func fail(code int, format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(code)
}
