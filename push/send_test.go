package push

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	webpush "github.com/SherClockHolmes/webpush-go"
	"github.com/riverqueue/river/rivertype"
)

// healthWords are words that must never appear in a push payload.
var healthWords = []string{"depress", "anxi", "suicid", "medication", "dose", "phq", "gad", "therap", "diagnos", "crisis plan", "mood"}

// notifyAndRun schedules a new-message notice for user and runs its job once.
func notifyAndRun(t *testing.T, e *testEnv, user, conversation int64) (int64, error) {
	t.Helper()
	ctx := context.Background()
	if err := e.svc.NotifyNewMessage(ctx, user, conversation); err != nil {
		t.Fatal(err)
	}
	ids := e.reminderIDs(t, KindMessage, conversation)
	if len(ids) == 0 {
		t.Fatal("no reminder scheduled")
	}
	id := ids[len(ids)-1]
	return id, e.svc.run(ctx, id)
}

func TestPushIsVerifiedAndDecryptedByThePushService(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	u := e.user(t, "patient")
	phone, laptop := e.device(t, u), e.device(t, u)

	id, err := notifyAndRun(t, e, u, 77)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	topic := topicFor(e.svc.topicKey, KindMessage, 77)
	want := `{"title":"Haven","body":"You have a new message in Haven","kind":"message","ref":"` + topic + `","url":"/messages"}`
	for _, d := range []*testDevice{phone, laptop} {
		got := e.push.receivedBy(d)
		if len(got) != 1 {
			t.Fatalf("device %d received %d pushes, want 1", d.id, len(got))
		}
		if string(got[0].payload) != want {
			t.Fatalf("decrypted payload %s\nwant %s", got[0].payload, want)
		}
		lower := strings.ToLower(strings.ReplaceAll(string(got[0].payload), topic, ""))
		for _, w := range healthWords {
			if strings.Contains(lower, w) {
				t.Errorf("payload contains %q", w)
			}
		}
		if got[0].urgency != "normal" || got[0].topic != topic || got[0].ttl <= 0 || got[0].ttl > int((24*time.Hour).Seconds()) {
			t.Errorf("headers: urgency %q topic %q ttl %d", got[0].urgency, got[0].topic, got[0].ttl)
		}
		if s := e.delivery(t, id, d.id); s != "sent" {
			t.Errorf("delivery to %d is %q, want sent", d.id, s)
		}
	}
	if state, _ := e.state(t, id); state != "sent" {
		t.Fatalf("reminder state %q, want sent", state)
	}
}

func TestCrisisAlertIsHighUrgency(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	c1, c2 := e.user(t, "counselor"), e.user(t, "counselor")
	d1, d2 := e.device(t, c1), e.device(t, c2)
	ctx := context.Background()
	if err := e.svc.CrisisAlert(ctx, []int64{c1, c2}, 9001); err != nil {
		t.Fatal(err)
	}
	for _, id := range e.reminderIDs(t, KindCrisisAlert, 9001) {
		if err := e.svc.run(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []*testDevice{d1, d2} {
		got := e.push.receivedBy(d)
		if len(got) != 1 || got[0].urgency != "high" || !bytes.Contains(got[0].payload, []byte(`"kind":"crisis_alert"`)) {
			t.Fatalf("counselor device got %+v, want one high-urgency crisis alert", got)
		}
	}
}

func TestGoneRemovesTheSubscription(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusGone, http.StatusNotFound} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, nil)
			u := e.user(t, "patient")
			dead, alive := e.device(t, u), e.device(t, u)
			e.push.setRespond(func(path string, _ int) reply {
				if path == dead.path {
					return reply{status: status}
				}
				return reply{status: http.StatusCreated}
			})
			id, err := notifyAndRun(t, e, u, 5)
			if err != nil {
				t.Fatal(err)
			}
			devs, _ := e.svc.Devices(context.Background(), u)
			if len(devs) != 1 || devs[0].ID != alive.id {
				t.Fatalf("devices after %d: %+v, want only %d", status, devs, alive.id)
			}
			if s := e.delivery(t, id, dead.id); s != "gone" {
				t.Fatalf("delivery %q, want gone", s)
			}
			if len(e.push.receivedBy(alive)) != 1 {
				t.Fatal("the live device did not get the push")
			}
		})
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	u := e.user(t, "patient")
	d := e.device(t, u)
	e.push.setRespond(func(_ string, n int) reply {
		if n == 1 {
			return reply{status: http.StatusTooManyRequests, retryAfter: "3"}
		}
		return reply{status: http.StatusCreated}
	})
	id, err := notifyAndRun(t, e, u, 6)
	var snooze *rivertype.JobSnoozeError
	if !errors.As(err, &snooze) {
		t.Fatalf("run after 429 = %v, want a snooze", err)
	}
	if snooze.Duration < 3*time.Second {
		t.Fatalf("snoozed %v, want at least the Retry-After of 3s", snooze.Duration)
	}
	if s := e.delivery(t, id, d.id); s != "retry" {
		t.Fatalf("delivery %q after 429, want retry", s)
	}
	if err := e.svc.run(context.Background(), id); err != nil {
		t.Fatalf("second run: %v", err)
	}
	if s := e.delivery(t, id, d.id); s != "sent" || len(e.push.receivedBy(d)) != 1 || e.push.requestsTo(d) != 2 {
		t.Fatalf("after retry: delivery %q, %d received, %d requests", s, len(e.push.receivedBy(d)), e.push.requestsTo(d))
	}
}

func TestServerErrorsBackOffExponentially(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) { c.RetryBase, c.RetryMax, c.MaxRetries = time.Second, 4*time.Second, 4 })
	u := e.user(t, "patient")
	d := e.device(t, u)
	e.push.setRespond(func(string, int) reply { return reply{status: http.StatusServiceUnavailable} })
	id, err := notifyAndRun(t, e, u, 8)
	var delays []time.Duration
	for range 5 {
		var snooze *rivertype.JobSnoozeError
		if !errors.As(err, &snooze) {
			break
		}
		delays = append(delays, snooze.Duration)
		err = e.svc.run(context.Background(), id)
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second}
	if !slicesEqual(delays, want) || err != nil {
		t.Fatalf("delays %v then %v; want %v then nil", delays, err, want)
	}
	if state, reason := e.state(t, id); state != "dropped" || reason != reasonGaveUp {
		t.Fatalf("reminder %s/%s, want dropped/gave_up", state, reason)
	}
	if s := e.delivery(t, id, d.id); s != "failed" {
		t.Fatalf("delivery %q, want failed", s)
	}
}

func slicesEqual(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestPayloadTooLargeIsNotRetried(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	u := e.user(t, "patient")
	d := e.device(t, u)
	e.push.setRespond(func(string, int) reply { return reply{status: http.StatusRequestEntityTooLarge} })
	id, err := notifyAndRun(t, e, u, 9)
	if err != nil {
		t.Fatalf("run after 413 = %v, want finished", err)
	}
	if s := e.delivery(t, id, d.id); s != "failed" {
		t.Fatalf("delivery %q, want failed", s)
	}
	if state, reason := e.state(t, id); state != "dropped" || reason != reasonUndelivered {
		t.Fatalf("reminder %s/%s, want dropped/undelivered", state, reason)
	}
	e.svc.run(context.Background(), id)
	if n := e.push.requestsTo(d); n != 1 {
		t.Fatalf("%d requests, want 1", n)
	}
}

// TestAttemptingIsNeverResent simulates a crash between the push service's
// 201 and the recording of "sent": the row stays "attempting", and a rerun
// of the job must not post to that device again.
func TestAttemptingIsNeverResent(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	u := e.user(t, "patient")
	crashed, other := e.device(t, u), e.device(t, u)
	ctx := context.Background()
	if err := e.svc.NotifyNewMessage(ctx, u, 10); err != nil {
		t.Fatal(err)
	}
	id := e.reminderIDs(t, KindMessage, 10)[0]
	if _, err := e.pool.Exec(ctx, `INSERT INTO push_deliveries (reminder_id, subscription_id, state) VALUES ($1, $2, 'attempting')`, id, crashed.id); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.run(ctx, id); err != nil {
		t.Fatal(err)
	}
	if n := e.push.requestsTo(crashed); n != 0 {
		t.Fatalf("the device attempted before the crash got %d more posts", n)
	}
	if len(e.push.receivedBy(other)) != 1 {
		t.Fatal("the other device did not get the push")
	}
	if s := e.delivery(t, id, crashed.id); s != "attempting" {
		t.Fatalf("crashed delivery is %q, want it left attempting", s)
	}
}

// TestOnePayloadToManyDevicesConcurrently is the race test for webpush-go
// v1.4.0, which appends into the caller's payload: run it with -race. The
// payload has spare capacity, so an in-place append by concurrent sends
// would be a data race and would corrupt it.
func TestOnePayloadToManyDevicesConcurrently(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	const n = 24
	msg := make([]byte, 0, 4096)
	msg = append(msg, payloadFor(KindAppointment, "a-ref")...)
	orig := bytes.Clone(msg)
	devices := make([]*testDevice, n)
	for i := range devices {
		devices[i] = e.push.newDevice(t)
	}
	var wg sync.WaitGroup
	for _, d := range devices {
		wg.Go(func() {
			sub := d.subscription()
			res := e.svc.sender.send(context.Background(), msg, target{id: 1, endpoint: d.endpoint, p256dh: sub.Keys.P256dh, auth: sub.Keys.Auth},
				headers{ttl: time.Hour, urgency: webpush.UrgencyNormal, topic: "a-test"})
			if res.outcome != outcomeSent {
				t.Errorf("send: %v %d %v", res.outcome, res.status, res.err)
			}
		})
	}
	wg.Wait()
	if !bytes.Equal(msg, orig) || !bytes.Equal(msg[:cap(msg)][len(msg):len(msg)+1], []byte{0}) {
		t.Fatal("the shared payload or its spare capacity was written to")
	}
	for _, d := range devices {
		got := e.push.receivedBy(d)
		if len(got) != 1 || !bytes.Equal(got[0].payload, orig) {
			t.Fatalf("device got %d pushes, want the payload once", len(got))
		}
	}
}
