package media

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want string // substring of the error; empty for valid
	}{
		{"defaults", Config{}, ""},
		{"loopback ephemeral", Config{UDPAddr: "127.0.0.1:0", TCPAddr: "127.0.0.1:0"}, ""},
		{"every interface needs a port", Config{UDPAddr: ":0"}, "fixed port"},
		{"bad address", Config{UDPAddr: "nope"}, "host:port"},
		{"bad public IP", Config{PublicIPs: []string{"example.com"}}, "public IP"},
		{"room too small", Config{MaxParticipants: 1}, "max participants"},
		{"budget too small", Config{MaxStreams: 4}, "max streams"},
		{"TURN secret", Config{TURN: &TURNConfig{UDPAddr: ":3478", PublicIP: "203.0.113.1", Secret: "short"}}, "secret"},
		{"TURN TLS without cert", Config{TURN: &TURNConfig{UDPAddr: ":3478", TLSAddr: ":5349", PublicIP: "203.0.113.1", Secret: strings.Repeat("s", 16)}}, "certificate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.withDefaults().validate()
			if tc.want == "" && err != nil {
				t.Errorf("validate: %v", err)
			}
			if tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("validate: %v, want an error about %q", err, tc.want)
			}
		})
	}
}

func TestSFUOnEveryInterface(t *testing.T) {
	ctx := mediaTest(t, 20*time.Second)
	l, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.LocalAddr().(*net.UDPAddr).Port
	_ = l.Close()
	s := newTestSFU(t, Config{UDPAddr: fmt.Sprintf(":%d", port)})
	if got := s.UDPAddr().(*net.UDPAddr).Port; got != port {
		t.Errorf("UDPAddr port = %d, want %d", got, port)
	}
	r := newTestRoom(t, s, "visit-any", RoomOptions{})
	joinPeer(t, r, "alice", RoleHost, peerOptions{audio: true})
	bob := joinPeer(t, r, "bob", RoleGuest, peerOptions{})
	eventually(ctx, t, "audio through the per-interface mux", func() bool { return bob.packetsFrom("alice", SourceMic) > 20 })
}
