package push

import (
	"context"
	"testing"
	"time"
)

func TestMessageNoticeIsDebouncedUntilRead(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := context.Background()
	u := e.user(t, "patient")
	for range 3 {
		must(t, e.svc.NotifyNewMessage(ctx, u, 20))
	}
	if ids := e.reminderIDs(t, KindMessage, 20); len(ids) != 1 {
		t.Fatalf("%d notices for three messages, want 1", len(ids))
	}
	must(t, e.svc.MarkRead(ctx, u, 20))
	must(t, e.svc.NotifyNewMessage(ctx, u, 20))
	ids := e.reminderIDs(t, KindMessage, 20)
	if len(ids) != 2 {
		t.Fatalf("%d notices after reading and a new message, want 2", len(ids))
	}
	if s, r := e.state(t, ids[0]); s != "cancelled" || r != reasonRead {
		t.Fatalf("first notice %s/%s, want cancelled/read", s, r)
	}
	// Another conversation is not debounced by this one.
	must(t, e.svc.NotifyNewMessage(ctx, u, 21))
	if n := len(e.reminderIDs(t, KindMessage, 21)); n != 1 {
		t.Fatalf("%d notices for another conversation", n)
	}
}

func TestPruneKeepsPendingAndRecentReminders(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Now()}
	e := newEnv(t, func(c *Config) { c.Now = clock.Now })
	ctx := context.Background()
	u := e.user(t, "patient")
	e.device(t, u)
	_, err := notifyAndRun(t, e, u, 1) // sent now
	must(t, err)
	must(t, e.svc.NotifyNewMessage(ctx, u, 2)) // pending
	if n, err := e.svc.Prune(ctx, time.Hour); err != nil || n != 0 {
		t.Fatalf("Prune of recent reminders removed %d, %v", n, err)
	}
	clock.Set(time.Now().Add(48 * time.Hour))
	if n, err := e.svc.Prune(ctx, 24*time.Hour); err != nil || n != 1 {
		t.Fatalf("Prune removed %d, %v; want the one finished reminder", n, err)
	}
	if len(e.reminderIDs(t, KindMessage, 2)) != 1 {
		t.Fatal("Prune removed a pending reminder")
	}
}
