package push

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// testDevice is a browser's side of a subscription: the keys the push
// service encrypts to, which only the test (the "browser") holds.
type testDevice struct {
	id       int64 // subscription id once subscribed
	path     string
	endpoint string
	priv     *ecdh.PrivateKey
	auth     []byte
}

func (d *testDevice) subscription() Subscription {
	return Subscription{
		Endpoint: d.endpoint,
		Keys: Keys{
			P256dh: base64.RawURLEncoding.EncodeToString(d.priv.PublicKey().Bytes()),
			Auth:   base64.RawURLEncoding.EncodeToString(d.auth),
		},
		Label: "Test browser",
	}
}

// received is one push the local push service accepted and decrypted.
type received struct {
	path    string
	payload []byte
	ttl     int
	urgency string
	topic   string
}

// reply is how the push service answers one request.
type reply struct {
	status     int
	retryAfter string
	hang       bool // hold the request until the client gives up
}

// pushServer is a local push service on TLS. It verifies each request the
// way a real one does (VAPID JWT, headers) and decrypts the body with the
// device's private key, as the browser would.
type pushServer struct {
	t        *testing.T
	srv      *httptest.Server
	mu       sync.Mutex
	vapidKey string // expected application server key (k=)
	devices  map[string]*testDevice
	got      []received
	requests map[string]int                 // per path, including refused
	respond  func(path string, n int) reply // n: 1 for the first request to path
}

func newPushServer(t *testing.T) *pushServer {
	t.Helper()
	ps := &pushServer{t: t, devices: map[string]*testDevice{}, requests: map[string]int{}}
	ps.srv = httptest.NewUnstartedServer(http.HandlerFunc(ps.serve))
	// Connections the client dialed speculatively may still be in their
	// handshake when the server closes; that is not a test failure.
	ps.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	ps.srv.StartTLS()
	t.Cleanup(ps.srv.Close)
	return ps
}

// client returns an HTTP client that reaches this server for
// push.example.com (the test certificate covers *.example.com): the
// allow-list and TLS verification stay on.
func (ps *pushServer) client(timeout time.Duration) *http.Client {
	tr := ps.srv.Client().Transport.(*http.Transport).Clone()
	addr := ps.srv.Listener.Addr().String()
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	return &http.Client{Transport: tr, Timeout: timeout}
}

func (ps *pushServer) newDevice(t *testing.T) *testDevice {
	t.Helper()
	priv, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	auth := make([]byte, 16)
	rand.Read(auth)
	path := "/wpush/v2/" + randomHex(12)
	d := &testDevice{path: path, endpoint: "https://push.example.com" + path, priv: priv, auth: auth}
	ps.mu.Lock()
	ps.devices[path] = d
	ps.mu.Unlock()
	return d
}

// setRespond sets how the service answers from now on.
func (ps *pushServer) setRespond(f func(path string, n int) reply) {
	ps.mu.Lock()
	ps.respond = f
	ps.mu.Unlock()
}

// receivedBy returns what was delivered to d.
func (ps *pushServer) receivedBy(d *testDevice) []received {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	var out []received
	for _, r := range ps.got {
		if r.path == d.path {
			out = append(out, r)
		}
	}
	return out
}

// requestsTo counts requests to d, accepted or not.
func (ps *pushServer) requestsTo(d *testDevice) int {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return ps.requests[d.path]
}

func (ps *pushServer) total() int {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return len(ps.got)
}

func (ps *pushServer) serve(w http.ResponseWriter, r *http.Request) {
	ps.mu.Lock()
	dev := ps.devices[r.URL.Path]
	ps.requests[r.URL.Path]++
	n := ps.requests[r.URL.Path]
	respond, vapidKey := ps.respond, ps.vapidKey
	ps.mu.Unlock()
	if dev == nil {
		http.NotFound(w, r)
		return
	}
	rep := reply{status: http.StatusCreated}
	if respond != nil {
		rep = respond(r.URL.Path, n)
	}
	if rep.hang {
		// Read the body first: only then does the server notice the
		// client hanging up, which ends the request's context.
		io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
		return
	}
	if rep.status != http.StatusCreated {
		if rep.retryAfter != "" {
			w.Header().Set("Retry-After", rep.retryAfter)
		}
		w.WriteHeader(rep.status)
		return
	}
	got, err := verify(r, dev, vapidKey)
	if err != nil {
		ps.t.Errorf("push service: %v", err)
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	ps.mu.Lock()
	ps.got = append(ps.got, got)
	ps.mu.Unlock()
	w.WriteHeader(http.StatusCreated)
}

var topicRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// verify checks the request as a push service and the browser would.
func verify(r *http.Request, dev *testDevice, vapidKey string) (received, error) {
	got := received{path: r.URL.Path, urgency: r.Header.Get("Urgency"), topic: r.Header.Get("Topic")}
	if r.Method != http.MethodPost {
		return got, fmt.Errorf("method %s", r.Method)
	}
	if ce := r.Header.Get("Content-Encoding"); ce != "aes128gcm" {
		return got, fmt.Errorf("Content-Encoding %q", ce)
	}
	ttl, err := strconv.Atoi(r.Header.Get("TTL"))
	if err != nil || ttl < 0 {
		return got, fmt.Errorf("TTL %q", r.Header.Get("TTL"))
	}
	got.ttl = ttl
	switch got.urgency {
	case "very-low", "low", "normal", "high":
	default:
		return got, fmt.Errorf("Urgency %q", got.urgency)
	}
	if !topicRE.MatchString(got.topic) {
		return got, fmt.Errorf("Topic %q", got.topic)
	}
	if err := verifyVAPID(r.Header.Get("Authorization"), vapidKey, "https://push.example.com"); err != nil {
		return got, err
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 8192))
	if err != nil {
		return got, err
	}
	if len(body) > 4096 {
		return got, fmt.Errorf("body of %d bytes", len(body))
	}
	got.payload, err = decryptAES128GCM(body, dev.priv, dev.auth)
	return got, err
}

// verifyVAPID checks an RFC 8292 "vapid t=…, k=…" header: k is the
// server's key, t an ES256 JWT signed by it with aud = origin, exp within
// 24 h and sub a mailto: or https: contact.
func verifyVAPID(header, wantKey, origin string) error {
	rest, ok := strings.CutPrefix(header, "vapid ")
	if !ok {
		return fmt.Errorf("Authorization scheme: %q", strings.SplitN(header, " ", 2)[0])
	}
	params := map[string]string{}
	for _, p := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		params[k] = v
	}
	if params["k"] != wantKey {
		return errors.New("vapid k is not the server's public key")
	}
	raw, err := base64.RawURLEncoding.DecodeString(params["k"])
	if err != nil {
		return err
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), raw)
	if err != nil {
		return err
	}
	parts := strings.Split(params["t"], ".")
	if len(parts) != 3 {
		return errors.New("vapid t is not a JWT")
	}
	var head struct{ Alg, Typ string }
	if err := decodeJSONPart(parts[0], &head); err != nil || head.Alg != "ES256" {
		return fmt.Errorf("JWT header alg %q: %v", head.Alg, err)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(sig) != 64 {
		return errors.New("JWT signature is not 64 bytes")
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if !ecdsa.Verify(pub, digest[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		return errors.New("JWT signature does not verify")
	}
	var claims struct {
		Aud string `json:"aud"`
		Exp int64  `json:"exp"`
		Sub string `json:"sub"`
	}
	if err := decodeJSONPart(parts[1], &claims); err != nil {
		return err
	}
	if claims.Aud != origin {
		return fmt.Errorf("JWT aud %q, want %q", claims.Aud, origin)
	}
	exp := time.Unix(claims.Exp, 0)
	if now := time.Now(); !exp.After(now) || exp.After(now.Add(24*time.Hour)) {
		return fmt.Errorf("JWT exp %v not within 24 h", exp)
	}
	if claims.Sub != "mailto:ops@haven.example" {
		return fmt.Errorf("JWT sub %q", claims.Sub)
	}
	return nil
}

func decodeJSONPart(s string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// decryptAES128GCM decrypts a Web Push message body (RFC 8188 content
// coding with the RFC 8291 key derivation) with the browser's keys.
func decryptAES128GCM(body []byte, uaPriv *ecdh.PrivateKey, authSecret []byte) ([]byte, error) {
	if len(body) < 21 {
		return nil, errors.New("body shorter than the aes128gcm header")
	}
	salt, rs, idlen := body[:16], binary.BigEndian.Uint32(body[16:20]), int(body[20])
	if rs < 18 || rs > 4096 || len(body) < 21+idlen {
		return nil, fmt.Errorf("record size %d, key id length %d", rs, idlen)
	}
	asPub, err := ecdh.P256().NewPublicKey(body[21 : 21+idlen])
	if err != nil {
		return nil, fmt.Errorf("key id is not the sender's P-256 key: %w", err)
	}
	shared, err := uaPriv.ECDH(asPub)
	if err != nil {
		return nil, err
	}
	info := "WebPush: info\x00" + string(uaPriv.PublicKey().Bytes()) + string(asPub.Bytes())
	ikm, err := hkdf.Key(sha256.New, shared, authSecret, info, 32)
	if err != nil {
		return nil, err
	}
	cek, err := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: aes128gcm\x00", 16)
	if err != nil {
		return nil, err
	}
	nonce, err := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: nonce\x00", 12)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	records := body[21+idlen:]
	if len(records) > int(rs) {
		return nil, errors.New("more than one record")
	}
	plain, err := gcm.Open(nil, nonce, records, nil)
	if err != nil {
		return nil, fmt.Errorf("decrypt: %w", err)
	}
	end := len(plain) - 1
	for end >= 0 && plain[end] == 0 {
		end--
	}
	if end < 0 || plain[end] != 2 {
		return nil, errors.New("last record lacks the 0x02 padding delimiter")
	}
	return plain[:end], nil
}
