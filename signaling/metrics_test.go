package signaling

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// TestCollectors: the hub's collectors register in a fresh registry and
// report the connection gauge.
func TestCollectors(t *testing.T) {
	checkGoroutines(t)
	n := startNode(t, Options{})
	c := dial(t, n, 1)
	c.hello()
	c.send("ping", "p", nil) // once the pong is read, the welcome was counted
	c.read()
	reg := prometheus.NewRegistry()
	reg.MustRegister(n.hub.Collectors()...)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		m := mf.GetMetric()[0]
		if g := m.GetGauge(); g != nil {
			got[mf.GetName()] = g.GetValue()
		} else {
			got[mf.GetName()] = m.GetCounter().GetValue()
		}
	}
	if len(got) != 9 || got["haven_ws_connections"] != 1 || got["haven_ws_frames_received_total"] < 1 || got["haven_ws_frames_sent_total"] < 1 {
		t.Errorf("metrics = %v", got)
	}
}
