package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// httpMetrics are the edge's request metrics, on a registry of their own so
// several servers (tests) never collide on registration.
type httpMetrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newHTTPMetrics() *httpMetrics {
	m := &httpMetrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "http_requests_total",
			Help: "HTTP requests served, by route pattern and status code.",
		}, []string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "http_request_duration_seconds",
			Help:    "Time to serve an HTTP request, by route pattern and status code.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "code"}),
	}
	m.registry.MustRegister(m.requests, m.latency)
	return m
}

// observe counts one request. Unmatched requests share the route label
// "unmatched", so arbitrary paths cannot grow the label set.
func (m *httpMetrics) observe(route string, status int, elapsed time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	code := strconv.Itoa(status)
	m.requests.WithLabelValues(route, code).Inc()
	m.latency.WithLabelValues(route, code).Observe(elapsed.Seconds())
}

// metricsHandler serves the edge's metrics and the process's Gatherer in
// the Prometheus text format.
func (s *Server) metricsHandler() http.Handler {
	gatherers := prometheus.Gatherers{s.metrics.registry}
	if s.deps.Gatherer != nil {
		gatherers = append(gatherers, s.deps.Gatherer)
	}
	return promhttp.HandlerFor(gatherers, promhttp.HandlerOpts{ErrorLog: nil})
}
