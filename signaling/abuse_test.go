package signaling

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"haven/portal/fault"
)

// abuseNode is a hub with a few test handlers.
func abuseNode(t *testing.T, opts Options) *testNode {
	t.Helper()
	r := NewRouter()
	r.HandleFunc("test.echo", func(ctx context.Context, req *Request) error {
		return req.Reply(ctx, req.Data)
	})
	r.HandleFunc("test.silent", func(context.Context, *Request) error { return nil })
	r.HandleFunc("test.forbidden", func(context.Context, *Request) error {
		return fault.New(fault.Forbidden, "not on the care team")
	})
	r.HandleFunc("test.internal", func(context.Context, *Request) error {
		return errors.New("pq: relation secret_notes does not exist")
	})
	r.HandleFunc("test.panic", func(context.Context, *Request) error { panic("boom") })
	opts.Router = r
	return startNode(t, opts)
}

// TestFrameErrors: each bad or failing frame gets the documented answer and
// the connection stays usable.
func TestFrameErrors(t *testing.T) {
	checkGoroutines(t)
	n := abuseNode(t, Options{})
	c := dial(t, n, 1)

	tests := []struct {
		name, frame string
		wantType    string
		wantID      string
		wantCode    string
		wantData    string
	}{
		{"before hello", `{"type":"test.echo","id":"e0"}`, "error", "e0", CodeHelloRequired, ""},
		{"ping before hello", `{"type":"ping","id":"p0"}`, "pong", "p0", "", ""},
		{"bad hello version", `{"type":"hello","id":"h0","data":{"protocol":9}}`, "error", "h0", "invalid", ""},
		{"hello", `{"type":"hello","id":"h1","data":{"protocol":1}}`, "welcome", "h1", "", ""},
		{"second hello", `{"type":"hello","id":"h2","data":{"protocol":1}}`, "error", "h2", "conflict", ""},
		{"truncated JSON", `{"type":`, "error", "", CodeBadFrame, ""},
		{"not an object", `[1,2]`, "error", "", CodeBadFrame, ""},
		{"missing type", `{"id":"x"}`, "error", "", CodeBadFrame, ""},
		{"bad type", `{"type":"Chat.Send"}`, "error", "", CodeBadFrame, ""},
		{"error member", `{"type":"test.echo","error":{"code":"x"}}`, "error", "", CodeBadFrame, ""},
		{"unknown type", `{"type":"chat.nope","id":"u1"}`, "error", "u1", CodeUnknownType, ""},
		{"echo", `{"type":"test.echo","id":"e1","data":{"a":1}}`, "test.echo.ok", "e1", "", `{"a":1}`},
		{"implicit ok", `{"type":"test.silent","id":"s1"}`, "test.silent.ok", "s1", "", ""},
		{"fault code", `{"type":"test.forbidden","id":"f1"}`, "error", "f1", "forbidden", ""},
		{"internal error", `{"type":"test.internal","id":"i1"}`, "error", "i1", "internal", ""},
		{"panic", `{"type":"test.panic","id":"x1"}`, "error", "x1", "internal", ""},
		{"bad presence", `{"type":"presence.set","id":"ps","data":{"state":"offline"}}`, "error", "ps", "invalid", ""},
		{"presence", `{"type":"presence.set","id":"ps2","data":{"state":"away"}}`, "presence.set.ok", "ps2", "", ""},
		{"ping", `{"type":"ping","id":"p1"}`, "pong", "p1", "", ""},
	}
	for _, tt := range tests {
		c.sendRaw(tt.frame)
		f := c.read()
		if f.Type != tt.wantType || f.ID != tt.wantID {
			t.Errorf("%s: got type %q id %q, want %q %q", tt.name, f.Type, f.ID, tt.wantType, tt.wantID)
		}
		if tt.wantCode != "" && (f.Error == nil || f.Error.Code != tt.wantCode) {
			t.Errorf("%s: got error %+v, want code %q", tt.name, f.Error, tt.wantCode)
		}
		if tt.wantData != "" && string(f.Data) != tt.wantData {
			t.Errorf("%s: got data %s, want %s", tt.name, f.Data, tt.wantData)
		}
		if f.Error != nil && (strings.Contains(f.Error.Message, "secret") || strings.Contains(f.Error.Message, "boom")) {
			t.Errorf("%s: internal detail leaked: %q", tt.name, f.Error.Message)
		}
	}
}

// TestAbuseCloses: oversized, binary, repeatedly malformed and flooding
// clients are closed with the documented codes; the hub stays up.
func TestAbuseCloses(t *testing.T) {
	checkGoroutines(t)
	n := abuseNode(t, Options{ReadLimit: 1024, MaxBadFrames: 5, Rate: 10, Burst: 5, Strikes: 20})
	tests := []struct {
		name string
		act  func(c *client)
		want websocket.StatusCode
	}{
		{"oversized frame", func(c *client) { c.sendRaw(`{"type":"ping","data":"` + strings.Repeat("x", 2000) + `"}`) }, CloseTooBig},
		{"binary frame", func(c *client) {
			_ = c.ws.Write(context.Background(), websocket.MessageBinary, []byte(`{"type":"ping"}`))
		}, CloseUnsupportedData},
		{"malformed frames", func(c *client) {
			for range 5 {
				c.sendRaw(`{nope`)
			}
		}, ClosePolicyViolation},
		{"flood", func(c *client) {
			for range 200 {
				if c.ws.Write(context.Background(), websocket.MessageText, []byte(`{"type":"ping"}`)) != nil {
					return
				}
			}
		}, CloseRateLimited},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := dial(t, n, int64(10+i))
			tt.act(c)
			sawRateLimited := false
			var code websocket.StatusCode
			for {
				f, err := c.tryRead(10 * time.Second)
				if err != nil {
					code = websocket.CloseStatus(err)
					break
				}
				if f.Error != nil && f.Error.Code == CodeRateLimited {
					sawRateLimited = true
				}
			}
			if code != tt.want {
				t.Errorf("closed with %v, want %v", code, tt.want)
			}
			if tt.want == CloseRateLimited && !sawRateLimited {
				t.Error("no rate_limited error before the close")
			}
		})
	}
	// The hub still serves.
	c := dial(t, n, 99)
	c.hello()
	c.send("ping", "p", nil)
	if f := c.read(); f.Type != "pong" {
		t.Errorf("after abuse: got %+v, want pong", f)
	}
}

// TestErrorFrameShape pins the encoding of an error frame.
func TestErrorFrameShape(t *testing.T) {
	b := encodeError("c1", WireError{Code: "rate_limited", Message: `slow "down"`, RetryAfterMS: 250})
	var f Frame
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	if f.Type != "error" || f.ID != "c1" || f.Error == nil || f.Error.Code != "rate_limited" ||
		f.Error.Message != `slow "down"` || f.Error.RetryAfterMS != 250 {
		t.Errorf("decoded %+v from %s", f, b)
	}
}
