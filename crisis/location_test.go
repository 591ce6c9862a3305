package crisis

import (
	"bytes"
	"context"
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"haven/portal/fault"
)

func TestLocationIsSealedAndOnlyForTheClaimingCounselor(t *testing.T) {
	t.Parallel()
	n := newEnv(t, Config{})
	ctx := context.Background()
	patient := n.user(t, "patient", "Pat")
	c, other := n.counselorOn(t, "Cora"), n.counselorOn(t, "Dan")
	loc := Location{Lat: 51.50722, Lon: -0.1275, AccuracyM: 35}

	if _, err := n.svc.ShareLocation(ctx, patient, loc); !errors.Is(err, ErrNoOpen) {
		t.Errorf("share without an escalation: %v, want ErrNoOpen", err)
	}
	e := n.raise(t, patient, High)
	for _, bad := range []Location{{Lat: 91}, {Lon: -181}, {AccuracyM: -1}, {Lat: math.NaN()}} {
		if _, err := n.svc.ShareLocation(ctx, patient, bad); fault.CodeOf(err) != fault.Invalid {
			t.Errorf("share %+v: %v, want Invalid", bad, err)
		}
	}
	id, err := n.svc.ShareLocation(ctx, patient, loc)
	if err != nil || id != e.ID {
		t.Fatalf("share: %d, %v", id, err)
	}
	var raw []byte
	if err := n.pool.QueryRow(ctx, `SELECT location_sealed FROM crisis_escalations WHERE id = $1`, e.ID).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if len(raw) == 0 || bytes.Contains(raw, []byte("51.5")) || bytes.Contains(raw, []byte("lat")) {
		t.Errorf("location stored in the clear: %q", raw)
	}
	if _, err := n.svc.Location(ctx, c, e.ID); !errors.Is(err, ErrNotYours) {
		t.Errorf("read before claim: %v, want ErrNotYours", err)
	}
	if _, err := n.svc.Claim(ctx, c, e.ID); err != nil {
		t.Fatal(err)
	}
	got, err := n.svc.Location(ctx, c, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Lat != loc.Lat || got.Lon != loc.Lon || got.AccuracyM != loc.AccuracyM || time.Since(got.At) > time.Minute {
		t.Errorf("Location = %+v, want %+v", got, loc)
	}
	if _, err := n.svc.Location(ctx, other, e.ID); !errors.Is(err, ErrNotYours) || fault.CodeOf(err) != fault.Forbidden {
		t.Errorf("read by another counselor: %v, want ErrNotYours", err)
	}
	// A newer location reaches the holder as a content-free event.
	if _, err := n.svc.ShareLocation(ctx, patient, loc); err != nil {
		t.Fatal(err)
	}
	n.notify.waitFor(t, c, EventLocation, nil, time.Second)
	if got := n.audit.actionsFor(e.Target()); !slices.Contains(got, "crisis.location_read") ||
		!slices.Contains(got, "crisis.location_shared") {
		t.Errorf("audit = %v", got)
	}
	if _, err := n.svc.Resolve(ctx, c, e.ID, DeEscalated, nil); err != nil {
		t.Fatal(err)
	}
	if got := count(t, n, `SELECT count(*) FROM crisis_escalations WHERE location_sealed IS NOT NULL`); got != 0 {
		t.Error("location kept after resolution")
	}
}

func TestLocationWithoutShareIsNotFound(t *testing.T) {
	t.Parallel()
	n := newEnv(t, Config{})
	ctx := context.Background()
	patient := n.user(t, "patient", "Pat")
	c := n.counselorOn(t, "Cora")
	e := n.raise(t, patient, Medium)
	if _, err := n.svc.Claim(ctx, c, e.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := n.svc.Location(ctx, c, e.ID); !errors.Is(err, ErrNoLocation) {
		t.Errorf("no location: %v, want ErrNoLocation", err)
	}
}
