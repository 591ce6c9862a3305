package crisis

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"haven/migrations/dbtest"
)

func TestBenchReroutesEverythingAfterANodeIsKilled(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	var out strings.Builder
	err := Bench(context.Background(), pool, &out, BenchOptions{Escalations: 30, Deadline: time.Second,
		Interval: 100 * time.Millisecond, Spread: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("bench output:\n%s", out.String())
	if !strings.Contains(out.String(), "lost (never re-routed): 0\n") {
		t.Errorf("bench lost escalations:\n%s", out.String())
	}
	if !regexp.MustCompile(`all\s+n=30\s+p50`).MatchString(out.String()) {
		t.Errorf("bench did not report 30 re-routes:\n%s", out.String())
	}
	// A second run on the same database is refused: it is not a scratch one.
	if err := Bench(context.Background(), pool, &out, BenchOptions{Escalations: 1}); err == nil {
		t.Error("Bench ran on a database with crisis data")
	}
}

// BenchmarkRaiseToOffer measures raise→offer latency: from RaiseAndOffer to
// the offer reaching the (in-process) Notifier of an on-call counselor.
func BenchmarkRaiseToOffer(b *testing.B) {
	n := newBenchEnv(b)
	ctx := context.Background()
	c := n.user(b, "counselor", "Cora")
	if err := n.svc.SetSwitch(ctx, c, SwitchOn); err != nil {
		b.Fatal(err)
	}
	patients := make([]int64, b.N)
	for i := range patients {
		patients[i] = n.user(b, "patient", "Pat")
	}
	var lat []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		e, err := n.svc.RaiseAndOffer(ctx, RaiseRequest{PatientID: patients[i], Severity: High, Source: SourceButton,
			TriggerRef: "button:", RaisedBy: patients[i]})
		if err != nil {
			b.Fatal(err)
		}
		got := n.notify.matching(c, EventOffer, func(m map[string]any) bool { return m["escalation_id"] == float64(e.ID) })
		if len(got) != 1 {
			b.Fatalf("escalation %d: %d offers", e.ID, len(got))
		}
		lat = append(lat, got[0].at.Sub(start))
	}
	b.StopTimer()
	p50, p99, _ := percentiles(lat)
	b.ReportMetric(float64(p50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
}

// BenchmarkRerouteAfterNodeKilled runs Bench with its defaults (run it with
// -benchtime=1x) and prints its figures: re-route lateness after a node dies.
func BenchmarkRerouteAfterNodeKilled(b *testing.B) {
	for i := 0; i < b.N; i++ {
		var out strings.Builder
		if err := Bench(context.Background(), dbtest.New(b), &out, BenchOptions{}); err != nil {
			b.Fatal(err)
		}
		b.Logf("\n%s", out.String())
	}
}
