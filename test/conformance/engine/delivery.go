package main

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	retryablehttp "github.com/hashicorp/go-retryablehttp"
)

// countingTransport counts the attempts retryablehttp makes.
type countingTransport struct {
	attempts int64
}

func (t *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	atomic.AddInt64(&t.attempts, 1)
	return http.DefaultTransport.RoundTrip(req)
}

// delivery is what happened to one send.
type delivery struct {
	Status   int     `json:"status"`
	Attempts int64   `json:"attempts"`
	Error    string  `json:"error,omitempty"`
	Seconds  float64 `json:"seconds"`
}

// send posts a rendered request the way notifications-engine's webhook
// service does (pkg/services/webhook.go): a new retryablehttp client per send
// with the service's retryWaitMin, retryWaitMax and retryMax (1 s, 5 s and 3
// when zero), retryablehttp's default retry policy and backoff, and no
// timeout. A status outside 2xx is a failed send. The request goes to base
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
	transport := &countingTransport{}
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
	d := delivery{Attempts: atomic.LoadInt64(&transport.attempts), Seconds: time.Since(started).Seconds()}
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
