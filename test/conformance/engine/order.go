package main

// The order the controller runs an Application's triggers in. Upstream ranges
// over a map (services.Destinations, keyed by trigger), which Go iterates in a
// random order, different from one reconcile to the next. The model runs them
// in the order the subscriptions are found, unless a fixture names an order:
// a test runs the same states in every order it cares about, and what it
// asserts holds in all of them.

// runOrder puts the triggers named in chosen first, in that order, and the
// others after them in their found order.
func runOrder(found []string, chosen []string) []string {
	if len(chosen) == 0 {
		return found
	}
	present := map[string]bool{}
	for _, t := range found {
		present[t] = true
	}
	var out []string
	taken := map[string]bool{}
	for _, t := range chosen {
		if present[t] && !taken[t] {
			out = append(out, t)
			taken[t] = true
		}
	}
	for _, t := range found {
		if !taken[t] {
			out = append(out, t)
		}
	}
	return out
}
