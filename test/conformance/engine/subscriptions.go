package main

// The subscriptions an Application's annotations carry, as notifications-engine
// reads them: pkg/subscriptions/annotations.go (iterate, parseRecipients,
// GetDestinations) and pkg/controller/controller.go (getDestinations: the
// configuration's label subscriptions merged in, then Destinations.Dedup).
//
// Upstream ranges over the annotation map, in Go's random order; the model
// takes the keys in sorted order, so that a replay is repeatable. The set of
// destinations is the same in any order, except for one quirk kept here as
// upstream has it: `recipients` outlives each iteration, so an annotation that
// is no subscription (and an unreadable subscriptions list) calls back with
// the recipients of the subscribe annotation before it, an empty trigger and
// an empty service. That yields destinations only under a configuration-wide
// `defaultTriggers` key.

import (
	"encoding/json"
	"os"
	"strings"

	ghodss "github.com/ghodss/yaml"
)

const subscriptionsPrefix = "notifications.argoproj.io/subscriptions"

// annotationSubscription is pkg/subscriptions.Subscription: no JSON tags, so
// encoding/json matches "trigger" and "destinations" case-insensitively.
type annotationSubscription struct {
	Trigger      []string
	Destinations []annotationDestination
}

// annotationDestination is pkg/subscriptions.Destination.
type annotationDestination struct {
	Service    string   `json:"service"`
	Recipients []string `json:"recipients"`
}

// parseRecipients mirrors pkg/subscriptions: split at ";", trimmed, empty
// parts dropped.
func parseRecipients(v string) []string {
	var recipients []string
	for _, recipient := range strings.Split(v, ";") {
		if recipient = strings.TrimSpace(recipient); recipient == "" {
			continue
		}
		recipients = append(recipients, recipient)
	}
	return recipients
}

// iterateSubscriptions mirrors Annotations.iterate.
func iterateSubscriptions(annotations map[string]string, callback func(trigger, service string, recipients []string)) {
	var recipients []string
	for _, k := range sortedKeys(annotations) {
		v := annotations[k]
		switch {
		case strings.HasPrefix(k, subscribePrefix):
			parts := strings.Split(k[len(subscribePrefix):], ".")
			trigger := parts[0]
			service := ""
			if len(parts) >= 2 {
				service = parts[1]
			} else {
				service = parts[0]
				trigger = ""
			}
			if v == "" {
				recipients = []string{""}
			} else {
				recipients = parseRecipients(v)
			}
			callback(trigger, service, recipients)
		case strings.HasPrefix(k, subscriptionsPrefix):
			var subscriptions []annotationSubscription
			var source []byte
			if v != "" {
				source = []byte(v)
			} else {
				callback("", "", recipients)
			}
			if err := ghodss.Unmarshal(source, &subscriptions); err != nil {
				callback("", "", recipients)
			}
			for _, s := range subscriptions {
				triggers := s.Trigger
				destinations := s.Destinations
				switch {
				case len(triggers) == 0 && len(destinations) == 0:
					recipients = []string{}
					callback("", "", recipients)
				case len(triggers) == 0:
					for _, d := range destinations {
						callback("", d.Service, d.Recipients)
					}
				case len(destinations) == 0:
					recipients = []string{}
					for _, t := range triggers {
						callback(t, "", recipients)
					}
				default:
					for _, t := range triggers {
						for _, d := range destinations {
							callback(t, d.Service, d.Recipients)
						}
					}
				}
			}
		default:
			callback("", "", recipients)
		}
	}
}

// getDestinations mirrors Annotations.GetDestinations, as (trigger,
// destination) pairs in the order they are found, repeats included.
func getDestinations(annotations map[string]string, defaultTriggers []string, serviceDefaultTriggers map[string][]string) []subscribed {
	var out []subscribed
	iterateSubscriptions(annotations, func(trigger, service string, recipients []string) {
		for _, recipient := range recipients {
			triggers := defaultTriggers
			if trigger != "" {
				triggers = []string{trigger}
			} else if t, ok := serviceDefaultTriggers[service]; ok {
				triggers = t
			}
			for _, t := range triggers {
				out = append(out, subscribed{t, destination{service, recipient}})
			}
		}
	})
	return out
}

// stringAnnotations keeps the string values of an unstructured annotations map.
func stringAnnotations(app object) map[string]string {
	out := map[string]string{}
	annotations, _ := mapAt(app, "metadata", "annotations")
	for k, v := range annotations {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

// destinationsCase is one annotation set of a -destinations corpus.
type destinationsCase struct {
	Annotations            map[string]string   `json:"annotations"`
	DefaultTriggers        []string            `json:"defaultTriggers"`
	ServiceDefaultTriggers map[string][]string `json:"serviceDefaultTriggers"`
}

type destinationOut struct {
	Trigger   string `json:"trigger"`
	Service   string `json:"service"`
	Recipient string `json:"recipient"`
}

// runDestinations prints, for each case of the corpus file, the destinations
// GetDestinations yields (repeats included), for the TypeScript model to be
// compared with.
func runDestinations(file string) {
	raw, err := os.ReadFile(file)
	if err != nil {
		fail(1, "reading destinations corpus: %v", err)
	}
	var cases []destinationsCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		fail(1, "parsing destinations corpus: %v", err)
	}
	out := make([][]destinationOut, 0, len(cases))
	for _, c := range cases {
		found := []destinationOut{}
		for _, s := range getDestinations(c.Annotations, c.DefaultTriggers, c.ServiceDefaultTriggers) {
			found = append(found, destinationOut{s.trigger, s.dest.Service, s.dest.Recipient})
		}
		out = append(out, found)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		fail(1, "%v", err)
	}
}

// serviceDefaultTriggers is the configuration's defaultTriggers.<service> keys
// (the model keeps the configuration-wide one under "").
func serviceDefaultTriggers(all map[string][]string) map[string][]string {
	out := map[string][]string{}
	for k, v := range all {
		if k != "" {
			out[k] = v
		}
	}
	return out
}
