package media

import (
	"errors"
	"fmt"
	"net"
	"time"
)

// Config is everything the SFU is told. The zero value of a field means its
// default (see withDefaults); NewSFU rejects invalid values.
type Config struct {
	// UDPAddr is the one UDP socket all ICE/DTLS/SRTP traffic shares,
	// "host:port" (default DefaultUDPAddr). Port 0 picks a free port
	// (tests, bench); SFU.UDPAddr reports the one chosen.
	UDPAddr string
	// TCPAddr, when set, is the ICE-TCP listener for networks that block
	// UDP ("host:port"; port 0 picks one). Empty disables ICE-TCP.
	TCPAddr string
	// PublicIPs are advertised in host candidates instead of the local
	// addresses, for a node behind 1:1 NAT. Empty advertises local addresses.
	PublicIPs []string
	// LoopbackOnly gathers loopback candidates only (tests and bench).
	LoopbackOnly bool

	// MaxParticipants is the per-room limit (default 12).
	MaxParticipants int
	// MaxStreams is the admission budget in forwarded streams: a room of n
	// participants is counted as 2n² streams (audio and video in from each,
	// out to every other). A join that would exceed it is refused with
	// ErrAtCapacity. Default 1200.
	MaxStreams int
	// MaxPacketRate, when positive, also refuses joins while the measured
	// forwarded packets per second exceed 90% of it.
	MaxPacketRate int

	// StartBitrate is each subscriber's initial bandwidth estimate in bit/s
	// before feedback arrives (default 1 Mbit/s).
	StartBitrate int
	// EmptyRoomTimeout closes a room that has had no participant for this
	// long; its OnClose hook gets the summary (default 30 minutes).
	EmptyRoomTimeout time.Duration

	// TURN, when non-nil, runs the embedded TURN server.
	TURN *TURNConfig
}

// DefaultUDPAddr is the media port used when Config.UDPAddr is empty.
const DefaultUDPAddr = ":50000"

// withDefaults returns c with zero fields replaced by defaults.
func (c Config) withDefaults() Config {
	if c.UDPAddr == "" {
		c.UDPAddr = DefaultUDPAddr
	}
	if c.MaxParticipants == 0 {
		c.MaxParticipants = 12
	}
	if c.MaxStreams == 0 {
		c.MaxStreams = 1200
	}
	if c.StartBitrate == 0 {
		c.StartBitrate = 1_000_000
	}
	if c.EmptyRoomTimeout == 0 {
		c.EmptyRoomTimeout = 30 * time.Minute
	}
	return c
}

// validate reports every invalid field at once.
func (c Config) validate() error {
	var errs []error
	if host, port, err := net.SplitHostPort(c.UDPAddr); err != nil {
		errs = append(errs, fmt.Errorf("media UDP address %q: want host:port", c.UDPAddr))
	} else if ip := net.ParseIP(host); (host == "" || ip != nil && ip.IsUnspecified()) && (port == "0" || port == "") {
		errs = append(errs, fmt.Errorf("media UDP address %q: listening on every interface needs a fixed port", c.UDPAddr))
	}
	if c.TCPAddr != "" {
		if _, _, err := net.SplitHostPort(c.TCPAddr); err != nil {
			errs = append(errs, fmt.Errorf("media TCP address %q: want host:port", c.TCPAddr))
		}
	}
	for _, ip := range c.PublicIPs {
		if net.ParseIP(ip) == nil {
			errs = append(errs, fmt.Errorf("media public IP %q: not an IP address", ip))
		}
	}
	if c.MaxParticipants < 2 || c.MaxParticipants > 50 {
		errs = append(errs, errors.New("media max participants: want 2 to 50"))
	}
	if c.MaxStreams < 8 {
		errs = append(errs, errors.New("media max streams: want at least 8 (one 1:1 visit)"))
	}
	if c.MaxPacketRate < 0 || c.StartBitrate < 50_000 || c.EmptyRoomTimeout < 0 {
		errs = append(errs, errors.New("media limits: packet rate must be ≥ 0, start bitrate ≥ 50 kbit/s"))
	}
	if c.TURN != nil {
		errs = append(errs, c.TURN.validate())
	}
	return errors.Join(errs...)
}
