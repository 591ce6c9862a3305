package wsclient

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"haven/portal/fault"
	"haven/signaling"
)

// testAuth authenticates "X-Test-User: <id>", as signaling's own tests do.
var testAuth = signaling.AuthenticatorFunc(func(r *http.Request) (signaling.Identity, error) {
	id, err := strconv.ParseInt(r.Header.Get("X-Test-User"), 10, 64)
	if err != nil {
		return signaling.Identity{}, fault.New(fault.Unauthenticated, "sign in")
	}
	return signaling.Identity{UserID: id, Role: "patient"}, nil
})

// testHub is a real hub on httptest with three frame types: "echo" answers
// its data, "fail" answers forbidden, and "hold" signals held, then answers
// only once the test ends (or its handler's context does).
type testHub struct {
	hub  *signaling.Hub
	url  string
	held chan struct{}
}

// startHub starts a testHub, stopped when the test ends. The rate limit is
// raised so that a test may send a burst of requests.
func startHub(t *testing.T) *testHub {
	t.Helper()
	h, err := signaling.NewHub(signaling.Options{Auth: testAuth, Rate: 1000, Burst: 1000,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	release, held := make(chan struct{}), make(chan struct{}, 1)
	r := h.Router()
	r.HandleFunc("echo", func(ctx context.Context, req *signaling.Request) error {
		return req.Reply(ctx, req.Data)
	})
	r.HandleFunc("fail", func(context.Context, *signaling.Request) error {
		return fault.New(fault.Forbidden, "not yours")
	})
	r.HandleFunc("hold", func(ctx context.Context, _ *signaling.Request) error {
		held <- struct{}{}
		select {
		case <-ctx.Done():
		case <-release:
		}
		return nil
	})
	mux := http.NewServeMux()
	h.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() {
		close(release)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := h.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		srv.Close()
	})
	return &testHub{hub: h, url: "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws", held: held}
}

// connect dials as user, says hello and checks the welcome; the client is
// closed when the test ends.
func (h *testHub) connect(t *testing.T, ctx context.Context, user int64) *Client {
	t.Helper()
	c, _, err := Dial(ctx, h.url, &websocket.DialOptions{HTTPHeader: http.Header{"X-Test-User": {strconv.FormatInt(user, 10)}}})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(c.Close)
	f, err := c.Request(ctx, "hello", map[string]any{"protocol": 1})
	if err != nil || f.Type != "welcome" {
		t.Fatalf("hello answered %+v, %v; want welcome", f, err)
	}
	return c
}

// publish sends user the durable events "test.event" {"n": from…to}.
func (h *testHub) publish(t *testing.T, user int64, from, to int) {
	t.Helper()
	for n := from; n <= to; n++ {
		ev := signaling.Event{Type: "test.event", Data: json.RawMessage(`{"n":` + strconv.Itoa(n) + `}`), Durable: true}
		if err := h.hub.Publish(context.Background(), user, ev); err != nil {
			t.Fatal(err)
		}
	}
}

// eventN returns n of a test.event, or -1 for any other frame.
func eventN(f Frame) int {
	var d struct{ N int }
	if f.Type != "test.event" || json.Unmarshal(f.Data, &d) != nil {
		return -1
	}
	return d.N
}

// checkGoroutines fails the test when goroutines started during it are
// still running after the cleanups registered after it have run.
func checkGoroutines(t *testing.T) {
	t.Helper()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		var n int
		for range 200 {
			if n = runtime.NumGoroutine(); n <= before {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		buf := make([]byte, 1<<20)
		t.Errorf("goroutine leak: %d before, %d after\n%s", before, n, buf[:runtime.Stack(buf, true)])
	})
}

// begin starts a test: it checks for leaked goroutines at the end, bounds
// the test's waits, starts a hub and connects user 1 to it.
func begin(t *testing.T) (context.Context, *testHub, *Client) {
	t.Helper()
	checkGoroutines(t)
	ctx := testCtx(t)
	h := startHub(t)
	return ctx, h, h.connect(t, ctx, 1)
}

// testCtx bounds a test's waits.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestRequestsConcurrentGetTheirOwnAnswers: fifty requests sent at once on
// one connection each get the answer carrying their own data.
func TestRequestsConcurrentGetTheirOwnAnswers(t *testing.T) {
	ctx, _, c := begin(t)
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			f, err := c.Request(ctx, "echo", map[string]int{"i": i})
			var d struct{ I int }
			if err != nil || f.Type != "echo.ok" || json.Unmarshal(f.Data, &d) != nil || d.I != i {
				t.Errorf("request %d answered %s %s, %v", i, f.Type, f.Data, err)
			}
		})
	}
	wg.Wait()
}

// TestErrorAnswerIsAnError: an "error" answer is returned as *Error with the
// request's type, the code and the message, and the connection stays usable;
// an unknown type is an error too.
func TestErrorAnswerIsAnError(t *testing.T) {
	ctx, _, c := begin(t)
	f, err := c.Request(ctx, "fail", nil)
	var e *Error
	if !errors.As(err, &e) || e.Type != "fail" || e.Code != "forbidden" || e.Message != "not yours" || f.Type != "error" {
		t.Fatalf("fail answered %+v, %v; want a forbidden *Error", f, err)
	}
	if err.Error() != "fail: forbidden: not yours" {
		t.Errorf("error text %q", err.Error())
	}
	if _, err := c.Request(ctx, "nope", nil); !errors.As(err, &e) || e.Code != signaling.CodeUnknownType {
		t.Errorf("an unknown type answered %v, want %s", err, signaling.CodeUnknownType)
	}
	if _, err := c.Request(ctx, "echo", 1); err != nil {
		t.Errorf("after error answers, echo: %v", err)
	}
}

// TestDialRefusedReturnsTheResponse: a refused upgrade is an error, with the
// response so that its status can be read.
func TestDialRefusedReturnsTheResponse(t *testing.T) {
	checkGoroutines(t)
	h := startHub(t)
	c, resp, err := Dial(testCtx(t), h.url, nil)
	if err == nil {
		c.Close()
		t.Fatal("dial without a session succeeded")
	}
	if resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("dial without a session: %v, response %+v; want 401", err, resp)
	}
}

// TestAwaitReadsInSequence: without a handler, Await sees frames that came
// before it was called, in order; frames before its match are skipped, and
// the next Await continues after the match. Send's answer comes the same way.
func TestAwaitReadsInSequence(t *testing.T) {
	ctx, h, c := begin(t)
	h.publish(t, 1, 1, 5)
	f, err := c.Await(ctx, func(f Frame) bool { return eventN(f) == 3 })
	if err != nil || eventN(f) != 3 {
		t.Fatalf("await event 3: %+v, %v", f, err)
	}
	f, err = c.Await(ctx, func(Frame) bool { return true })
	if err != nil || eventN(f) != 4 {
		t.Fatalf("next frame: %+v, %v; want event 4", f, err)
	}
	if err := c.Send(ctx, "echo", "s1", "x"); err != nil {
		t.Fatal(err)
	}
	f, err = c.Await(ctx, func(f Frame) bool { return f.ID == "s1" })
	if err != nil || f.Type != "echo.ok" || string(f.Data) != `"x"` {
		t.Fatalf("answer to Send: %+v, %v; want echo.ok \"x\"", f, err)
	}
}

// TestOnFrameAndAwaitTogether: with a handler set, the handler gets every
// event in order with non-decreasing arrival times, and an Await waiting
// meanwhile gets the first match among the same frames.
func TestOnFrameAndAwaitTogether(t *testing.T) {
	ctx, h, c := begin(t)
	var mu sync.Mutex
	var got []int
	var last time.Time
	all := make(chan struct{})
	c.OnFrame(func(f Frame, at time.Time) {
		mu.Lock()
		defer mu.Unlock()
		if at.Before(last) {
			t.Errorf("frame %d read at %v, before the previous one", eventN(f), at)
		}
		last = at
		if got = append(got, eventN(f)); len(got) == 20 {
			close(all)
		}
	})
	type result struct {
		f   Frame
		err error
	}
	awaited := make(chan result, 1)
	go func() {
		f, err := c.Await(ctx, func(f Frame) bool { return eventN(f) == 7 })
		awaited <- result{f, err}
	}()
	waitFor(t, ctx, func() bool { c.mu.Lock(); defer c.mu.Unlock(); return c.awaiting == 1 })
	h.publish(t, 1, 1, 20)
	if r := <-awaited; r.err != nil || eventN(r.f) != 7 {
		t.Fatalf("await event 7: %+v, %v", r.f, r.err)
	}
	select {
	case <-all:
	case <-ctx.Done():
		t.Fatal("the handler did not get 20 events")
	}
	mu.Lock()
	defer mu.Unlock()
	for i, n := range got {
		if n != i+1 {
			t.Fatalf("handler got events %v, want 1…20 in order", got)
		}
	}
}

// TestHandlerSetKeepsNothingBetweenAwaits: with a handler set, frames that
// arrive while no Await waits are handled and not kept.
func TestHandlerSetKeepsNothingBetweenAwaits(t *testing.T) {
	ctx, h, c := begin(t)
	handled := make(chan int, 10)
	c.OnFrame(func(f Frame, _ time.Time) { handled <- eventN(f) })
	h.publish(t, 1, 1, 3)
	for want := 1; want <= 3; want++ {
		select {
		case n := <-handled:
			if n != want {
				t.Fatalf("handled event %d, want %d", n, want)
			}
		case <-ctx.Done():
			t.Fatalf("event %d was not handled", want)
		}
	}
	c.mu.Lock()
	kept := len(c.kept)
	c.mu.Unlock()
	if kept != 0 {
		t.Fatalf("%d frames kept with a handler set and no Await", kept)
	}
}

// TestCloseEndsTheClient: Close ends the reader (Done) and may be repeated;
// then Request fails and Await returns ErrClosed.
func TestCloseEndsTheClient(t *testing.T) {
	ctx, _, c := begin(t)
	c.Close()
	select {
	case <-c.Done():
	default:
		t.Fatal("Done is open after Close")
	}
	c.Close()
	if _, err := c.Request(ctx, "echo", 1); err == nil {
		t.Error("Request after Close succeeded")
	}
	if _, err := c.Await(ctx, func(Frame) bool { return true }); !errors.Is(err, ErrClosed) {
		t.Errorf("Await after Close: %v, want ErrClosed", err)
	}
}

// TestServerCloseFailsWaitingRequest: when the server closes the connection,
// a Request still waiting returns ErrClosed and Done is closed.
func TestServerCloseFailsWaitingRequest(t *testing.T) {
	ctx, h, c := begin(t)
	failed := make(chan error, 1)
	go func() {
		_, err := c.Request(ctx, "hold", nil)
		failed <- err
	}()
	select {
	case <-h.held:
	case <-ctx.Done():
		t.Fatal("the hold request did not reach the hub")
	}
	h.hub.CloseUser(1, websocket.StatusNormalClosure, "")
	if err := <-failed; !errors.Is(err, ErrClosed) {
		t.Fatalf("waiting request: %v, want ErrClosed", err)
	}
	<-c.Done()
}

// waitFor polls cond until it holds, failing the test when ctx ends first.
func waitFor(t *testing.T, ctx context.Context, cond func() bool) {
	t.Helper()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatal("condition not reached")
		case <-time.After(5 * time.Millisecond):
		}
	}
}
