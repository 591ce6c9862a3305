package push

import (
	"regexp"
	"strings"
	"testing"
)

func TestPayloadsAreFixedTexts(t *testing.T) {
	want := map[Kind]string{
		KindMessage:       `{"title":"Haven","body":"You have a new message in Haven","kind":"message","ref":"R","url":"/messages"}`,
		KindAppointment:   `{"title":"Haven","body":"You have an upcoming appointment in Haven","kind":"appointment","ref":"R","url":"/appointments"}`,
		KindMedication:    `{"title":"Haven","body":"You have a reminder in Haven","kind":"medication","ref":"R","url":"/medications"}`,
		KindQuestionnaire: `{"title":"Haven","body":"You have a check-in waiting in Haven","kind":"questionnaire","ref":"R","url":"/questionnaires"}`,
		KindCrisisAlert:   `{"title":"Haven","body":"A crisis escalation needs a counselor now","kind":"crisis_alert","ref":"R","url":"/console"}`,
	}
	if len(want) != len(Kinds()) {
		t.Fatalf("test covers %d kinds, package has %d", len(want), len(Kinds()))
	}
	for _, k := range Kinds() {
		got := string(payloadFor(k, "R"))
		if got != want[k] {
			t.Errorf("%s payload = %s\nwant %s", k, got, want[k])
		}
		if len(got) > 1024 {
			t.Errorf("%s payload is %d bytes", k, len(got))
		}
	}
}

var urlSafe = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

func TestTopicIsOpaqueAndShort(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	seen := map[string]bool{}
	for _, k := range Kinds() {
		for _, id := range []int64{1, 2, 424242, 9007199254740993} {
			topic := topicFor(key, k, id)
			if len(topic) > 32 || !urlSafe.MatchString(topic) {
				t.Errorf("topic %q: want ≤ 32 URL-safe characters", topic)
			}
			if strings.Contains(topic, "424242") || strings.Contains(topic, string(k)) {
				t.Errorf("topic %q shows what it is about", topic)
			}
			if seen[topic] {
				t.Errorf("topic %q repeats", topic)
			}
			seen[topic] = true
			if topicFor(key, k, id) != topic {
				t.Errorf("topic of %s %d is not stable", k, id)
			}
		}
	}
	if topicFor([]byte("other key"), KindMessage, 1) == topicFor(key, KindMessage, 1) {
		t.Error("topic does not depend on the key")
	}
}
