package main

import (
	"context"
	"io"
	"strings"
	"testing"
)

// TestBenchMediaReportsEveryScenario runs `portal bench media` with tiny
// numbers and checks it reports forwarding, delivery and CPU for each
// scenario and reaches admission control. Figures are not asserted.
func TestBenchMediaReportsEveryScenario(t *testing.T) {
	var out strings.Builder
	args := []string{"bench", "media", "--window", "1s", "--group", "3", "--pairs", "2", "--ramp-budget", "16"}
	if err := run(context.Background(), args, func(string) string { return "" }, &out, io.Discard); err != nil {
		t.Fatalf("bench media: %v\n%s", err, out.String())
	}
	report := out.String()
	for _, want := range []string{"one 3-person room: forwarded", "2 concurrent 1:1 visits: forwarded", "refused with", "just below", "µs per forwarded packet"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	if strings.Contains(report, "forwarded 0 pkt/s") {
		t.Errorf("a scenario forwarded nothing:\n%s", report)
	}
}
