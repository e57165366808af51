package main

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	retryablehttp "github.com/hashicorp/go-retryablehttp"
)

// countingTransport counts the attempts retryablehttp makes and records when
// each was made and what it got.
type countingTransport struct {
	attempts int64
	started  time.Time
	mu       sync.Mutex
	tries    []try
}

func (t *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	atomic.AddInt64(&t.attempts, 1)
	at := time.Since(t.started).Seconds()
	resp, err := http.DefaultTransport.RoundTrip(req)
	tr := try{At: at}
	if err != nil {
		tr.Error = err.Error()
	} else {
		tr.Status = resp.StatusCode
		tr.RetryAfter = resp.Header.Get("Retry-After")
	}
	t.mu.Lock()
	t.tries = append(t.tries, tr)
	t.mu.Unlock()
	return resp, err
}

// try is one attempt: when it was made (seconds after the send started), and
// the status and Retry-After header it got, or the connection error.
type try struct {
	At         float64 `json:"at"`
	Status     int     `json:"status,omitempty"`
	RetryAfter string  `json:"retryAfter,omitempty"`
	Error      string  `json:"error,omitempty"`
}

// delivery is what happened to one send.
type delivery struct {
	Status   int     `json:"status"`
	Attempts int64   `json:"attempts"`
	Error    string  `json:"error,omitempty"`
	Seconds  float64 `json:"seconds"`
	Tries    []try   `json:"tries"`
}

// send posts a rendered request the way notifications-engine's webhook
// service does (pkg/services/webhook.go): a new retryablehttp client per send
// with the service's retryWaitMin, retryWaitMax and retryMax (1 s, 5 s and 3
// when zero), retryablehttp's default retry policy and backoff, and no
// timeout. A 429 or 503 answer with a Retry-After header makes
// retryablehttp's default backoff wait what the header says instead,
// however long: retryWaitMax does not cap it. A status outside 2xx is a failed
// send. The request goes to base
// instead of the configured host, keeping the path.
func send(req request, opts webhookOptions, base string) delivery {
	started := time.Now()
	target := req.URL
	if base != "" {
		if i := strings.Index(target, "://"); i >= 0 {
			if j := strings.Index(target[i+3:], "/"); j >= 0 {
				target = strings.TrimRight(base, "/") + target[i+3+j:]
			} else {
				target = strings.TrimRight(base, "/")
			}
		}
	}
	retryReq, err := retryablehttp.NewRequest(req.Method, target, bytes.NewBufferString(req.Body))
	if err != nil {
		return delivery{Error: err.Error()}
	}
	for k, v := range req.Headers {
		retryReq.Header.Set(k, v)
	}
	transport := &countingTransport{started: started}
	client := retryablehttp.NewClient()
	client.HTTPClient = &http.Client{Transport: transport}
	client.Logger = nil
	client.RetryWaitMin = opts.RetryWaitMin
	client.RetryWaitMax = opts.RetryWaitMax
	client.RetryMax = opts.RetryMax
	if client.RetryWaitMin == 0 {
		client.RetryWaitMin = time.Second
	}
	if client.RetryWaitMax == 0 {
		client.RetryWaitMax = 5 * time.Second
	}
	if client.RetryMax == 0 {
		client.RetryMax = 3
	}
	resp, err := client.Do(retryReq)
	d := delivery{Attempts: atomic.LoadInt64(&transport.attempts), Seconds: time.Since(started).Seconds(), Tries: transport.tries}
	if err != nil {
		d.Error = err.Error()
		return d
	}
	defer resp.Body.Close()
	d.Status = resp.StatusCode
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		d.Error = fmt.Sprintf("request to %s has failed with error code %d", target, resp.StatusCode)
	}
	return d
}
