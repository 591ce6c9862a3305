package push

import (
	"context"
	"errors"
	"testing"

	"haven/portal/fault"
)

func TestSubscribeUpsertsByEndpoint(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := context.Background()
	alice, bob := e.user(t, "patient"), e.user(t, "patient")
	d := e.push.newDevice(t)

	first, err := e.svc.Subscribe(ctx, alice, d.subscription())
	if err != nil {
		t.Fatal(err)
	}
	// The same browser re-syncs after Bob signs in on it, with new keys.
	d2 := e.push.newDevice(t)
	sub := d2.subscription()
	sub.Endpoint = d.endpoint
	sub.Label = "Firefox\x00 on Android"
	second, err := e.svc.Subscribe(ctx, bob, sub)
	if err != nil {
		t.Fatal(err)
	}
	if second.ID != first.ID {
		t.Fatalf("re-sync made device %d, want the same %d", second.ID, first.ID)
	}
	if second.Label != "Firefox on Android" {
		t.Fatalf("label %q", second.Label)
	}
	if got, _ := e.svc.Devices(ctx, alice); len(got) != 0 {
		t.Fatalf("alice still has %d devices", len(got))
	}
	got, err := e.svc.Devices(ctx, bob)
	if err != nil || len(got) != 1 || got[0].ID != first.ID {
		t.Fatalf("bob's devices = %+v, %v", got, err)
	}
	var auth []byte
	e.pool.QueryRow(ctx, `SELECT auth FROM push_subscriptions WHERE id = $1`, first.ID).Scan(&auth)
	if string(auth) != string(d2.auth) {
		t.Fatal("re-sync did not update the keys")
	}

	if err := e.svc.Unsubscribe(ctx, alice, first.ID); !errors.Is(err, ErrNoDevice) {
		t.Fatalf("unsubscribing another user's device: %v, want ErrNoDevice", err)
	}
	if err := e.svc.Unsubscribe(ctx, bob, first.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.svc.Devices(ctx, bob); len(got) != 0 {
		t.Fatalf("bob has %d devices after unsubscribing", len(got))
	}
}

func TestSubscribeRefusesUnknownServicesAndBadKeys(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := context.Background()
	u := e.user(t, "patient")
	good := e.push.newDevice(t).subscription()
	for _, endpoint := range []string{
		"http://push.example.com/wpush/x",
		"https://127.0.0.1/wpush/x",
		"https://push.example.com:8443/wpush/x",
		"https://u:p@push.example.com/wpush/x",
		"https://internal.example.com/admin",
	} {
		sub := good
		sub.Endpoint = endpoint
		_, err := e.svc.Subscribe(ctx, u, sub)
		if !errors.Is(err, ErrUnknownPushService) || fault.CodeOf(err) != fault.Invalid || fault.MessageOf(err) != "unknown push service" {
			t.Errorf("Subscribe(%q) = %v, want ErrUnknownPushService", endpoint, err)
		}
	}
	bad := good
	bad.Keys.Auth = "c2hvcnQ"
	if _, err := e.svc.Subscribe(ctx, u, bad); !errors.Is(err, ErrBadKeys) {
		t.Errorf("short auth: %v, want ErrBadKeys", err)
	}
	if got, _ := e.svc.Devices(ctx, u); len(got) != 0 {
		t.Fatalf("%d devices stored from refused subscriptions", len(got))
	}
}

func TestSubscribeKeepsTheNewestDevices(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := context.Background()
	u := e.user(t, "patient")
	var last Device
	for range maxDevices + 3 {
		d, err := e.svc.Subscribe(ctx, u, e.push.newDevice(t).subscription())
		if err != nil {
			t.Fatal(err)
		}
		last = d
	}
	got, err := e.svc.Devices(ctx, u)
	if err != nil || len(got) != maxDevices || got[0].ID != last.ID {
		t.Fatalf("%d devices (first %+v), %v; want %d, newest first", len(got), got[0], err, maxDevices)
	}
}
