package push

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strconv"

	"haven/portal/fault"
)

// Kind is what a notification is about. It selects a fixed text; no other
// text ever reaches a payload.
type Kind string

// The kinds of notification.
const (
	KindMessage       Kind = "message"
	KindAppointment   Kind = "appointment"
	KindMedication    Kind = "medication"
	KindQuestionnaire Kind = "questionnaire"
	KindCrisisAlert   Kind = "crisis_alert"
)

// Kinds returns every kind, in the order a settings page shows them.
func Kinds() []Kind {
	return []Kind{KindMessage, KindAppointment, KindMedication, KindQuestionnaire, KindCrisisAlert}
}

// ErrUnknownKind means a kind name is not one of Kinds().
var ErrUnknownKind = fault.New(fault.Invalid, "unknown notification kind")

// notice is the fixed text and link of a kind. Bodies name no condition,
// drug or measure: a lock screen may be seen by anyone.
type notice struct {
	body, url string
	letter    byte // the kind's prefix in a Topic
}

var notices = map[Kind]notice{
	KindMessage:       {"You have a new message in Haven", "/messages", 'm'},
	KindAppointment:   {"You have an upcoming appointment in Haven", "/appointments", 'a'},
	KindMedication:    {"You have a reminder in Haven", "/medications", 'd'},
	KindQuestionnaire: {"You have a check-in waiting in Haven", "/questionnaires", 'q'},
	KindCrisisAlert:   {"A crisis escalation needs a counselor now", "/console", 'c'},
}

// valid reports whether k is one of Kinds().
func (k Kind) valid() bool { _, ok := notices[k]; return ok }

// payload is the JSON a service worker receives, in a fixed field order.
type payload struct {
	Title string `json:"title"`
	Body  string `json:"body"`
	Kind  Kind   `json:"kind"`
	Ref   string `json:"ref"`
	URL   string `json:"url"`
}

// payloadFor returns the content-free payload of kind with the opaque ref.
// It panics on an unknown kind: kinds come from code, never from users.
func payloadFor(kind Kind, ref string) []byte {
	n, ok := notices[kind]
	if !ok {
		panic("push: unknown kind " + string(kind))
	}
	b, err := json.Marshal(payload{Title: "Haven", Body: n.body, Kind: kind, Ref: ref, URL: n.url})
	if err != nil {
		panic(err)
	}
	return b
}

// topicFor derives the Topic header (and payload ref) of kind and the id of
// the thing it is about: a kind letter, "-" and 20 base64url characters of
// a keyed hash, so the push service sees neither the id nor anything about
// it, while a newer notice about the same thing replaces a pending one.
func topicFor(key []byte, kind Kind, id int64) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(strconv.FormatInt(id, 10)))
	return string(notices[kind].letter) + "-" + base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:15])
}

// topicKey derives the topic hashing key from the VAPID private key.
func topicKey(k *vapidKeys) []byte {
	m := hmac.New(sha256.New, []byte("haven push topic"))
	m.Write(k.private.Bytes())
	return m.Sum(nil)
}
