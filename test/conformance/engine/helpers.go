package main

import (
	"strings"
	"time"
)

// exprHelpers mirrors the helpers Argo CD adds to the variables of trigger
// conditions and templates (argo-cd util/notification/expression: "time" and
// "strings"; "repo" needs the repo server and is not modelled). time.Now is the
// fixture's clock, so that conditions over time are replayed exactly.
func exprHelpers(now time.Time) map[string]interface{} {
	return map[string]interface{}{
		"time": map[string]interface{}{
			"Parse": func(timestamp string) time.Time {
				res, err := time.Parse(time.RFC3339, timestamp)
				if err != nil {
					panic(err)
				}
				return res
			},
			"Now":         func() time.Time { return now },
			"Nanosecond":  time.Nanosecond,
			"Microsecond": time.Microsecond,
			"Millisecond": time.Millisecond,
			"Second":      time.Second,
			"Minute":      time.Minute,
			"Hour":        time.Hour,
			"Layout":      time.Layout,
			"ANSIC":       time.ANSIC,
			"UnixDate":    time.UnixDate,
			"RubyDate":    time.RubyDate,
			"RFC822":      time.RFC822,
			"RFC822Z":     time.RFC822Z,
			"RFC850":      time.RFC850,
			"RFC1123":     time.RFC1123,
			"RFC1123Z":    time.RFC1123Z,
			"RFC3339":     time.RFC3339,
			"RFC3339Nano": time.RFC3339Nano,
			"Kitchen":     time.Kitchen,
			"Stamp":       time.Stamp,
			"StampMilli":  time.StampMilli,
			"StampMicro":  time.StampMicro,
			"StampNano":   time.StampNano,
		},
		"strings": map[string]interface{}{
			"ReplaceAll": strings.ReplaceAll,
			"ToUpper":    strings.ToUpper,
			"ToLower":    strings.ToLower,
		},
	}
}

// syncStatusRefreshed mirrors Argo CD's isAppSyncStatusRefreshed
// (notification_controller/controller/controller.go): an Application whose
// operation has finished (Succeeded, Failed, Error) is skipped until its
// status has been reconciled or observed after the operation finished. A
// missing or unparsable finishedAt counts as out of date; a missing
// reconciledAt or observedAt counts as the zero time.
func syncStatusRefreshed(app object) bool {
	op, ok := mapAt(app, "status", "operationState")
	if !ok {
		return true
	}
	phase, ok := op["phase"].(string)
	if !ok {
		return true
	}
	switch phase {
	case "Failed", "Error", "Succeeded":
		raw, ok := op["finishedAt"].(string)
		if !ok {
			return false
		}
		finishedAt, err := time.Parse(time.RFC3339, raw)
		if err != nil {
			return false
		}
		var reconciledAt, observedAt time.Time
		if s, ok := mapAt(app, "status"); ok {
			if r, ok := s["reconciledAt"].(string); ok {
				reconciledAt, _ = time.Parse(time.RFC3339, r)
			}
			if o, ok := s["observedAt"].(string); ok {
				observedAt, _ = time.Parse(time.RFC3339, o)
			}
		}
		if finishedAt.After(reconciledAt) && finishedAt.After(observedAt) {
			return false
		}
	}
	return true
}
