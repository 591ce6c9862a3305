package signaling

import (
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
)

// stats are the hub's counters; Collectors exposes them.
type stats struct {
	conns        atomic.Int64
	framesIn     atomic.Uint64
	framesOut    atomic.Uint64
	slowCloses   atomic.Uint64
	dropped      atomic.Uint64
	resyncs      atomic.Uint64
	rateLimited  atomic.Uint64
	pingTimeouts atomic.Uint64
	pingsBusy    atomic.Uint64
}

// Collectors returns the hub's Prometheus collectors, to be registered by
// the caller (no global registry is touched):
//
//	haven_ws_connections                  gauge   open connections on this node
//	haven_ws_frames_received_total        counter client frames read
//	haven_ws_frames_sent_total            counter frames written
//	haven_ws_slow_consumer_closes_total   counter connections closed with 4008
//	haven_ws_ephemeral_dropped_total      counter ephemeral events dropped under pressure
//	haven_ws_resyncs_total                counter resync frames sent
//	haven_ws_rate_limited_total           counter client frames refused by the rate limit
//	haven_ws_ping_timeouts_total          counter connections dropped for an unanswered ping
//	haven_ws_pings_late_busy_total        counter late pongs forgiven because frames kept arriving
func (h *Hub) Collectors() []prometheus.Collector {
	s := &h.stats
	counter := func(name, help string, v *atomic.Uint64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help},
			func() float64 { return float64(v.Load()) })
	}
	return []prometheus.Collector{
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "haven_ws_connections", Help: "Open WebSocket connections on this node."},
			func() float64 { return float64(s.conns.Load()) }),
		counter("haven_ws_frames_received_total", "Client frames read.", &s.framesIn),
		counter("haven_ws_frames_sent_total", "Frames written to clients.", &s.framesOut),
		counter("haven_ws_slow_consumer_closes_total", "Connections closed because they fell behind (4008).", &s.slowCloses),
		counter("haven_ws_ephemeral_dropped_total", "Ephemeral events dropped under pressure.", &s.dropped),
		counter("haven_ws_resyncs_total", "Resync frames sent after possible event loss.", &s.resyncs),
		counter("haven_ws_rate_limited_total", "Client frames refused by the rate limit.", &s.rateLimited),
		counter("haven_ws_ping_timeouts_total", "Connections dropped for an unanswered ping.", &s.pingTimeouts),
		counter("haven_ws_pings_late_busy_total", "Late pongs forgiven because the client's frames kept arriving (slow handlers).", &s.pingsBusy),
	}
}
