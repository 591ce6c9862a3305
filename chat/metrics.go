package chat

import "github.com/prometheus/client_golang/prometheus"

// metrics are the Service's instruments; Collectors exposes them.
type metrics struct {
	messages, duplicates, refused, published prometheus.Counter
	batches, batchFailures                   prometheus.Counter
	batchSize, commitLatency, sendLatency    prometheus.Histogram
	rendered, renderErrors                   prometheus.Counter
	resumes, replayed, historyPages          prometheus.Counter
	typingDropped                            prometheus.Counter
	attachments, attachRefused               prometheus.Counter
	notified, notifyDropped                  prometheus.Counter
}

func newMetrics() *metrics {
	c := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
	}
	latency := prometheus.ExponentialBuckets(0.0005, 2, 14) // 0.5 ms … 4 s
	return &metrics{
		messages:      c("haven_chat_messages_total", "Messages stored."),
		duplicates:    c("haven_chat_duplicate_sends_total", "Sends answered with an already stored message (client_id retry)."),
		refused:       c("haven_chat_refused_total", "Requests refused because the conversation is not visible to the user."),
		published:     c("haven_chat_events_published_total", "chat.message events published (one per participant)."),
		batches:       c("haven_chat_commit_batches_total", "Send transactions committed."),
		batchFailures: c("haven_chat_commit_batch_failures_total", "Send transactions that failed."),
		batchSize: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "haven_chat_commit_batch_size",
			Help: "Sends per committed transaction.", Buckets: prometheus.ExponentialBuckets(1, 2, 10)}),
		commitLatency: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "haven_chat_commit_seconds",
			Help: "Duration of a send transaction, from BEGIN to published.", Buckets: latency}),
		sendLatency: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "haven_chat_send_seconds",
			Help: "Time from a send's hand-off to the committer to its answer.", Buckets: latency}),
		rendered:      c("haven_chat_rendered_total", "chat.message events opened for delivery on this node."),
		renderErrors:  c("haven_chat_render_errors_total", "chat.message events that failed to open (clients resync)."),
		resumes:       c("haven_chat_resumes_total", "Resumes served by the hello hook."),
		replayed:      c("haven_chat_replayed_messages_total", "Messages replayed by resumes."),
		historyPages:  c("haven_chat_history_pages_total", "History pages served."),
		typingDropped: c("haven_chat_typing_dropped_total", "Typing notices dropped by the rate limit."),
		attachments:   c("haven_chat_attachments_total", "Attachments stored."),
		attachRefused: c("haven_chat_attachments_refused_total", "Uploads refused (type, size or empty)."),
		notified:      c("haven_chat_push_notifications_total", "New-message notifications handed to push."),
		notifyDropped: c("haven_chat_push_notifications_dropped_total", "New-message notifications dropped (queue full)."),
	}
}

// Collectors returns the Service's Prometheus collectors, for the caller to
// register (no global registry is touched).
func (s *Service) Collectors() []prometheus.Collector {
	m := s.m
	return []prometheus.Collector{
		m.messages, m.duplicates, m.refused, m.published, m.batches, m.batchFailures,
		m.batchSize, m.commitLatency, m.sendLatency, m.rendered, m.renderErrors,
		m.resumes, m.replayed, m.historyPages, m.typingDropped,
		m.attachments, m.attachRefused, m.notified, m.notifyDropped,
	}
}
