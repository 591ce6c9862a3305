package push

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	webpush "github.com/SherClockHolmes/webpush-go"
)

// recordSize is the aes128gcm record size, and so the size of every request
// body: small enough for Firefox on Android (which refuses 4096-byte
// records) and large enough for any payload we send (at most 1945 bytes).
const recordSize = 2048

// maxTTL is the longest TTL push services honour (FCM: 28 days).
const maxTTL = 28 * 24 * time.Hour

// target is one device to post to.
type target struct {
	id       int64
	endpoint string
	p256dh   string // base64url, as webpush-go wants it
	auth     string
}

// outcome is what a post means for the device.
type outcome int

const (
	outcomeSent   outcome = iota // 200, 201, 202
	outcomeGone                  // 404, 410: the subscription no longer exists
	outcomeRetry                 // 429, 5xx, timeout, network error
	outcomeFailed                // 413, other 4xx, 3xx, refused endpoint, bad keys: not retried
)

var outcomeNames = [...]string{"sent", "gone", "retry", "failed"}

func (o outcome) String() string { return outcomeNames[o] }

// result is the outcome of one post.
type result struct {
	outcome    outcome
	status     int           // HTTP status; 0 when there was no response
	retryAfter time.Duration // from a 429 or 5xx
	err        error         // transport or encryption error, for logs
}

// headers are the Web Push request headers besides encryption and VAPID.
type headers struct {
	ttl     time.Duration
	urgency webpush.Urgency
	topic   string // ≤ 32 URL-safe characters
}

// sender posts encrypted notifications to push services.
type sender struct {
	client     *http.Client
	allow      Allowlist
	keys       *vapidKeys
	subscriber string // Config.Subject as webpush-go wants it (it adds "mailto:")
	now        func() time.Time
}

// newSender returns a sender posting with a copy of client that never
// follows redirects.
func newSender(client *http.Client, allow Allowlist, keys *vapidKeys, subject string, now func() time.Time) *sender {
	c := *client
	c.CheckRedirect = refuseRedirect
	return &sender{client: &c, allow: allow, keys: keys, subscriber: strings.TrimPrefix(subject, "mailto:"), now: now}
}

// send encrypts msg for t and posts it. msg is not modified and may be
// shared by concurrent sends. It never returns the response body: push
// services may echo what they were sent.
func (s *sender) send(ctx context.Context, msg []byte, t target, h headers) result {
	if err := s.allow.Check(t.endpoint); err != nil {
		return result{outcome: outcomeFailed, err: err}
	}
	ttl := min(max(h.ttl, 0), maxTTL)
	// webpush-go v1.4.0 appends its padding delimiter into the caller's
	// slice: every send gets its own copy, or concurrent sends of one
	// payload would race on its spare capacity.
	body := bytes.Clone(msg)
	resp, err := webpush.SendNotificationWithContext(ctx, body,
		&webpush.Subscription{Endpoint: t.endpoint, Keys: webpush.Keys{P256dh: t.p256dh, Auth: t.auth}},
		&webpush.Options{
			HTTPClient:      s.client,
			RecordSize:      recordSize,
			Subscriber:      s.subscriber,
			Topic:           h.topic,
			TTL:             int(ttl / time.Second),
			Urgency:         h.urgency,
			VAPIDPublicKey:  s.keys.publicB64(),
			VAPIDPrivateKey: s.keys.privateB64(),
		})
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			// The URL in a *url.Error is the endpoint, a capability: keep it out of logs.
			return result{outcome: outcomeRetry, err: ue.Err}
		}
		if ctx.Err() != nil {
			return result{outcome: outcomeRetry, err: err}
		}
		return result{outcome: outcomeFailed, err: err}
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return classify(resp, s.now())
}

// classify maps a push service's response to an outcome.
func classify(resp *http.Response, now time.Time) result {
	r := result{status: resp.StatusCode}
	switch c := resp.StatusCode; {
	case c == http.StatusOK || c == http.StatusCreated || c == http.StatusAccepted:
		r.outcome = outcomeSent
	case c == http.StatusNotFound || c == http.StatusGone:
		r.outcome = outcomeGone
	case c == http.StatusTooManyRequests || c >= 500:
		r.outcome = outcomeRetry
		r.retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), now)
	default:
		r.outcome = outcomeFailed
	}
	return r
}
