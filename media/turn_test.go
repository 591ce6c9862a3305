package media

import (
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/pion/turn/v4"
	"github.com/pion/webrtc/v4"
)

func TestTURNPermission(t *testing.T) {
	strict := permission(false, []string{"10.1.2.3"})
	open := permission(true, nil)
	for _, tc := range []struct {
		ip             string
		strict, opened bool
	}{
		{"203.0.113.7", true, true},
		{"2001:db8::1", true, true},
		{"127.0.0.1", false, true},
		{"10.0.0.5", false, true},
		{"10.1.2.3", true, true}, // explicitly allowed (the SFU's own address)
		{"192.168.1.1", false, true},
		{"172.16.0.1", false, true},
		{"169.254.1.1", false, true},
		{"100.64.0.1", false, true},
		{"::1", false, true},
		{"fe80::1", false, true},
		{"fd00::1", false, true},
		{"0.0.0.0", false, true},
		{"224.0.0.1", false, true},
	} {
		ip := net.ParseIP(tc.ip)
		if got := strict(nil, ip); got != tc.strict {
			t.Errorf("strict(%s) = %v, want %v", tc.ip, got, tc.strict)
		}
		if got := open(nil, ip); got != tc.opened {
			t.Errorf("allow-private(%s) = %v, want %v", tc.ip, got, tc.opened)
		}
	}
}

func turnConfig(allowPrivate bool) *TURNConfig {
	return &TURNConfig{UDPAddr: "127.0.0.1:0", PublicIP: "127.0.0.1", Secret: "0123456789abcdef-test", AllowPrivatePeers: allowPrivate}
}

func TestTURNCredentialsAndRelayedMedia(t *testing.T) {
	ctx := mediaTest(t, 30*time.Second)
	s := newTestSFU(t, Config{TURN: turnConfig(true)})
	cred, err := s.TURNCredentials("session-42")
	if err != nil {
		t.Fatal(err)
	}
	user, _, _ := strings.Cut(cred.Username, ":")
	if !strings.HasSuffix(cred.Username, ":session-42") || user == "" || time.Until(cred.Expires) > 11*time.Minute || len(cred.URLs) != 1 {
		t.Fatalf("credentials %+v: want timestamp:user, 10 minutes, one UDP URL", cred)
	}
	ice := []webrtc.ICEServer{{URLs: cred.URLs, Username: cred.Username, Credential: cred.Credential}}
	r := newTestRoom(t, s, "visit-turn", RoomOptions{})
	joinPeer(t, r, "alice", RoleHost, peerOptions{audio: true})
	bob := joinPeer(t, r, "bob", RoleGuest, peerOptions{iceServers: ice, relayOnly: true})
	eventually(ctx, t, "audio through the relay", func() bool { return bob.packetsFrom("alice", SourceMic) > 20 })
	pair, err := bob.down.SCTP().Transport().ICETransport().GetSelectedCandidatePair()
	if err != nil || pair == nil || pair.Local.Typ != webrtc.ICECandidateTypeRelay {
		t.Errorf("selected pair %v (%v); want a relay candidate", pair, err)
	}
}

func TestTURNRefusesPrivatePeersByDefault(t *testing.T) {
	mediaTest(t, 20*time.Second)
	s := newTestSFU(t, Config{TURN: turnConfig(false)})
	cred, err := s.TURNCredentials("session-7")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	server := strings.TrimSuffix(strings.TrimPrefix(cred.URLs[0], "turn:"), "?transport=udp")
	c, err := turn.NewClient(&turn.ClientConfig{
		TURNServerAddr: server, Username: cred.Username, Password: cred.Credential, Realm: "haven", Conn: conn,
		LoggerFactory: pionLogs{testLogger(t)},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Listen(); err != nil {
		t.Fatal(err)
	}
	relay, err := c.Allocate()
	if err != nil {
		t.Fatalf("allocate with valid credentials: %v", err)
	}
	defer relay.Close()
	if _, err := relay.WriteTo([]byte("x"), s.UDPAddr()); err == nil {
		t.Error("relaying to the SFU's loopback address was permitted; want refused")
	}

	conn2, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer conn2.Close()
	bad, err := turn.NewClient(&turn.ClientConfig{TURNServerAddr: server, Username: cred.Username, Password: "wrong", Realm: "haven", Conn: conn2,
		LoggerFactory: pionLogs{testLogger(t)}})
	if err != nil {
		t.Fatal(err)
	}
	defer bad.Close()
	if err := bad.Listen(); err != nil {
		t.Fatal(err)
	}
	if _, err := bad.Allocate(); err == nil {
		t.Error("allocate with a wrong password succeeded")
	}
	if _, err := (&SFU{}).TURNCredentials("x"); !errors.Is(err, ErrNoTURN) {
		t.Errorf("credentials without TURN: %v", err)
	}
}
