package web

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"haven/web/webtest"
)

// TestVideoBrowser: a clinician (desktop) starts an ad hoc session with a
// patient (phone) through the UI; the patient joins from their home and
// waits; the clinician admits them; each browser decodes the other's
// video through the SFU; the clinician ends the session for everyone.
// Chromium runs with a fake camera and microphone, loopback candidates
// allowed and mDNS hiding of local addresses off.
func TestVideoBrowser(t *testing.T) {
	t.Parallel()
	b := webtest.StartBrowser(t,
		chromedp.Flag("use-fake-ui-for-media-stream", true),
		chromedp.Flag("use-fake-device-for-media-stream", true),
		chromedp.Flag("allow-loopback-in-peer-connection", true),
		chromedp.Flag("disable-features", "WebRtcHideLocalIpsWithMdns"),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"))
	v := newVideoHarness(t)
	c := newClinic(t, v.harness)

	open := func(as *client, w, hgt int64, path string) context.Context {
		t.Helper()
		ctx := b.Tab(t, 150*time.Second)
		base, _ := url.Parse(v.ts.URL)
		for _, ck := range as.http.Jar.Cookies(base) {
			if ck.Name == SessionCookie {
				if err := webtest.SetCookie(ctx, v.ts.URL, SessionCookie, ck.Value); err != nil {
					t.Fatal(err)
				}
			}
		}
		do(t, ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error { return webtest.WatchCSP(ctx) }),
			chromedp.EmulateViewport(w, hgt),
			chromedp.Navigate(v.ts.URL+path))
		return ctx
	}

	// The clinician starts a session with Pat from /video.
	clin := open(c.ic, 1280, 900, "/home")
	waitHeading(t, clin, "Hello, Dr Inside")
	do(t, clin, chromedp.Click(chromedp.ID("video-link")))
	waitHeading(t, clin, "Video sessions")
	auditPage(t, clin, "video start")
	do(t, clin, chromedp.Click(chromedp.CSS(`input[name="patients"]`)), chromedp.Click(chromedp.ID("video-start")))
	waitJS(t, clin, `location.pathname.startsWith('/video/') && document.querySelector('h1').textContent === 'Video session'`)
	session := strings.TrimPrefix(run(t, clin, chromedp.Location()), v.ts.URL+"/video/")
	if len(session) != 27 {
		t.Fatalf("session page %q", session)
	}
	waitJS(t, clin, `document.querySelector('.video-private').textContent.includes('Nothing is recorded')`)
	deviceCheckReady(t, clin)
	waitJS(t, clin, `document.querySelector('.video-check meter').value > 0`) // the fake microphone beeps
	auditPage(t, clin, "device check")
	keep(t, clin, "desktop-video-check.png")
	do(t, clin, chromedp.Click(chromedp.ID("video-join")))
	waitJS(t, clin, `document.getElementById('video-status').textContent === 'You are in the session.'`)

	// The patient finds it on their home, checks their devices and waits.
	pat := open(c.pc, 360, 740, "/home")
	waitHeading(t, pat, "Hello, Pat Lee")
	waitJS(t, pat, `!document.getElementById('video-invites').hidden`)
	do(t, pat, chromedp.Click(chromedp.CSS(`#video-invites a.button`)))
	waitHeading(t, pat, "Video session")
	deviceCheckReady(t, pat)
	do(t, pat, chromedp.Click(chromedp.ID("video-join")))
	waitJS(t, pat, `document.getElementById('video-status').textContent === 'You are in the waiting room. Dr Inside will let you in soon.'`)
	auditPage(t, pat, "waiting room")
	keep(t, pat, "phone-video-waiting.png")

	// The clinician sees them waiting and admits them.
	waitJS(t, clin, `document.querySelector('button[aria-label="Admit Pat Lee"]')`)
	do(t, clin, chromedp.Click(chromedp.CSS(`button[aria-label="Admit Pat Lee"]`)))
	waitJS(t, pat, `document.getElementById('video-status').textContent === 'You are in the session.'`)

	// The camera is published in simulcast, lowest layer first.
	waitJS(t, clin, `document.getElementById('video-stage').videoCall.up.getSenders().some((s) => s.track && s.track.kind === 'video' && s.getParameters().encodings.map((e) => e.rid).join() === 'q,h,f')`)

	// Each decodes the other's video.
	for name, ctx := range map[string]context.Context{"clinician": clin, "patient": pat} {
		waitFramesDecoded(t, ctx, name)
	}
	waitJS(t, clin, `document.querySelectorAll('#video-people li').length === 1 && document.querySelector('#video-people .list__title').textContent === 'Pat Lee'`)
	auditPage(t, clin, "call (host)")
	auditPage(t, pat, "call (phone)")
	keep(t, clin, "desktop-video-call.png")
	keep(t, pat, "phone-video-call.png")
	if w := run(t, pat, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 360 {
		t.Errorf("the call is %d px wide at phone width", w)
	}

	// End for everyone (confirmed in place).
	do(t, clin, chromedp.Click(chromedp.JSPath(`[...document.querySelectorAll('.video-controls button')].find((b) => b.textContent === 'End for everyone')`)))
	do(t, clin, chromedp.Click(chromedp.JSPath(`[...document.querySelectorAll('.video-controls button')].find((b) => b.textContent === 'Yes, end for everyone')`)))
	waitJS(t, pat, `document.getElementById('video-status').textContent === 'This session has ended.'`)
	noCSPViolations(t, clin)
	noCSPViolations(t, pat)
}

// deviceCheckReady waits for the fake camera's preview and the device
// lists.
func deviceCheckReady(t *testing.T, ctx context.Context) {
	t.Helper()
	waitJS(t, ctx, `(() => { const v = document.querySelector('.video-preview'); return v && v.srcObject && v.srcObject.getVideoTracks().length === 1 && v.videoWidth > 0; })()`)
	waitJS(t, ctx, `document.querySelector('select[name="camera"]').options.length > 0 && document.querySelector('select[name="microphone"]').options.length > 0`)
}

// waitFramesDecoded polls the down connection's getStats until inbound
// video has decoded frames.
func waitFramesDecoded(t *testing.T, ctx context.Context, who string) {
	t.Helper()
	const expr = `document.getElementById('video-stage').videoCall.stats().then((s) => {
		let n = 0;
		s.forEach((r) => { if (r.type === 'inbound-rtp' && r.kind === 'video') { n += r.framesDecoded || 0; } });
		return n;
	})`
	deadline := time.Now().Add(60 * time.Second)
	for {
		n, err := chromedp.Run(ctx, chromedp.Evaluate[float64](expr, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("%s: getStats: %v", who, err)
		}
		if n > 0 {
			t.Logf("%s decoded %v video frames", who, n)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s decoded no video frames in 60 s", who)
		}
		time.Sleep(250 * time.Millisecond)
	}
}
