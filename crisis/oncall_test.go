package crisis

import (
	"context"
	"slices"
	"testing"
	"time"

	"haven/portal/fault"
)

func TestOnCallFollowsShiftsAndSwitches(t *testing.T) {
	t.Parallel()
	n := newEnv(t, Config{})
	ctx := context.Background()
	now := time.Now()
	onShift := n.user(t, "counselor", "On Shift")
	supShift := n.user(t, "counselor", "Supervisor Shift")
	later := n.user(t, "counselor", "Later Shift")
	switchedOn := n.user(t, "counselor", "Switched On")
	switchedOff := n.user(t, "counselor", "Switched Off")
	rosterSup := n.user(t, "counselor", "Roster Supervisor")
	add := func(u int64, from, to time.Duration, sup bool) int64 {
		t.Helper()
		id, err := n.svc.AddShift(ctx, Shift{UserID: u, StartsAt: now.Add(from), EndsAt: now.Add(to), Supervisor: sup})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	add(onShift, -time.Hour, time.Hour, false)
	add(supShift, -time.Hour, time.Hour, true)
	laterShift := add(later, 2*time.Hour, 3*time.Hour, false)
	add(switchedOff, -time.Hour, time.Hour, false)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(n.svc.SetSwitch(ctx, switchedOn, SwitchOn))
	must(n.svc.SetSwitch(ctx, switchedOff, SwitchOff))
	must(n.svc.SetSupervisor(ctx, rosterSup, true))
	must(n.svc.SetSupervisor(ctx, rosterSup, true)) // idempotent

	oc, err := n.svc.OnCall(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	want := []OnCallEntry{{onShift, false}, {supShift, true}, {switchedOn, false}}
	slices.SortFunc(want, func(a, b OnCallEntry) int { return int(a.UserID - b.UserID) })
	if !slices.Equal(oc, want) {
		t.Errorf("OnCall(now) = %v, want %v", oc, want)
	}
	if oc, _ := n.svc.OnCall(ctx, now.Add(150*time.Minute)); !slices.Contains(oc, OnCallEntry{later, false}) ||
		slices.Contains(oc, OnCallEntry{onShift, false}) {
		t.Errorf("OnCall(later) = %v, want the later shift and not the ended one", oc)
	}
	must(n.svc.DeleteShift(ctx, laterShift))
	if oc, _ := n.svc.OnCall(ctx, now.Add(150*time.Minute)); slices.Contains(oc, OnCallEntry{later, false}) {
		t.Errorf("deleted shift still on call: %v", oc)
	}
	cov, err := n.svc.Coverage(ctx)
	if err != nil || !cov.Covered || cov.OnCall != 3 || cov.Supervisors != 1 {
		t.Errorf("Coverage = %+v, %v", cov, err)
	}
	// Tier 2 reaches the supervisor on shift and the roster supervisor.
	rcpt, err := n.svc.recipients(ctx, n.pool, 2, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rcpt, sortedIDs(supShift, rosterSup)) {
		t.Errorf("tier 2 = %v, want %v", rcpt, sortedIDs(supShift, rosterSup))
	}
	if err := n.svc.SetSwitch(ctx, onShift, "maybe"); fault.CodeOf(err) != fault.Invalid {
		t.Errorf("bad switch: %v", err)
	}
	if _, err := n.svc.AddShift(ctx, Shift{UserID: onShift, StartsAt: now, EndsAt: now}); fault.CodeOf(err) != fault.Invalid {
		t.Errorf("empty shift: %v", err)
	}
}
