package media

import (
	"errors"
	"log/slog"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/transport/v5"
	"github.com/pion/webrtc/v4"
)

// SFU is the node's selective forwarding unit: its rooms, its media sockets
// and its admission budget. Create it with NewSFU and Close it on shutdown.
type SFU struct {
	cfg   Config
	log   *slog.Logger
	net   *network
	se    webrtc.SettingEngine
	upAPI *webrtc.API
	adm   admission
	turn  *turnServer

	forwarded      atomic.Uint64 // packets written to subscribers
	forwardedBytes atomic.Uint64
	plis           atomic.Uint64 // keyframe requests sent to publishers
	nacks          atomic.Uint64 // NACK packets received from subscribers
	rate           atomic.Int64  // forwarded packets/s, measured each second

	mu     sync.Mutex
	rooms  map[string]*Room
	closed bool

	done        chan struct{}
	monitorDone chan struct{}
}

// NewSFU binds the media sockets (and TURN, if configured) and returns a
// running SFU. Errors: an invalid Config, or a port that cannot be bound.
func NewSFU(cfg Config, log *slog.Logger) (*SFU, error) {
	return newSFU(cfg, log, nil)
}

// newSFU is NewSFU with an optional virtual network for tests: with vn the
// SFU binds no real socket and uses vn for ICE.
func newSFU(cfg Config, log *slog.Logger, vn transport.Net) (*SFU, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	s := &SFU{
		cfg: cfg, log: log.With("component", "media"), rooms: map[string]*Room{},
		done: make(chan struct{}), monitorDone: make(chan struct{}),
	}
	s.adm = admission{maxStreams: cfg.MaxStreams, maxRate: cfg.MaxPacketRate, rate: &s.rate}
	if vn != nil {
		s.net = &network{vnet: vn}
	} else {
		n, err := openNetwork(cfg, pionLogs{s.log})
		if err != nil {
			return nil, err
		}
		s.net = n
	}
	s.se = s.settingEngine()
	api, err := s.newUpAPI()
	if err != nil {
		_ = s.net.close()
		return nil, err
	}
	s.upAPI = api
	if cfg.TURN != nil {
		tc := *cfg.TURN
		tc.AllowedPeers = append(slices.Clone(tc.AllowedPeers), cfg.PublicIPs...)
		if s.turn, err = startTURN(tc, s.log); err != nil {
			_ = s.net.close()
			return nil, err
		}
	}
	go s.monitor()
	s.log.Info("media ready", "udp", addrString(s.net.udpAddr()), "tcp", addrString(s.net.tcpAddr()), "turn", cfg.TURN != nil)
	return s, nil
}

// monitor measures the forwarded packet rate once a second for admission.
func (s *SFU) monitor() {
	defer close(s.monitorDone)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	var m rateMeter
	for {
		select {
		case <-s.done:
			return
		case now := <-t.C:
			s.rate.Store(int64(m.sample(s.forwarded.Load(), now)))
		}
	}
}

// countForwarded is called once per packet sent to a subscriber.
func (s *SFU) countForwarded(payload int) {
	s.forwarded.Add(1)
	s.forwardedBytes.Add(uint64(payload)) //nolint:gosec // payload sizes are small
}

// OpenRoom opens a room with id, or returns the one already open with that
// id unchanged (so racing hosts share it). Errors: ErrClosed, or an
// invalid-input fault for a malformed id.
func (s *SFU) OpenRoom(id string, opts RoomOptions) (*Room, error) {
	if err := validID(id); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	if r := s.rooms[id]; r != nil {
		return r, nil
	}
	r := newRoom(s, id, opts)
	s.rooms[id] = r
	r.log.Info("room opened", "waiting_room", opts.WaitingRoom)
	return r, nil
}

// Room returns the open room with id. Errors: ErrNoRoom.
func (s *SFU) Room(id string) (*Room, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r := s.rooms[id]; r != nil {
		return r, nil
	}
	return nil, ErrNoRoom
}

// forgetRoom drops a closed room from the index.
func (s *SFU) forgetRoom(r *Room) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rooms[r.id] == r {
		delete(s.rooms, r.id)
	}
}

// Close closes every room (reason "shutdown"; each OnClose hook runs before
// Close returns), stops TURN and releases the sockets. Later calls do
// nothing.
func (s *SFU) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	rooms := make([]*Room, 0, len(s.rooms))
	for _, r := range s.rooms {
		rooms = append(rooms, r)
	}
	s.mu.Unlock()
	for _, r := range rooms {
		r.closeAndReport("shutdown")
	}
	close(s.done)
	<-s.monitorDone
	var errs []error
	if s.turn != nil {
		errs = append(errs, s.turn.close())
	}
	errs = append(errs, s.net.close())
	return errors.Join(errs...)
}

// UDPAddr is the bound media UDP address (useful when Config.UDPAddr has
// port 0), or nil on a virtual network.
func (s *SFU) UDPAddr() net.Addr { return s.net.udpAddr() }

// TCPAddr is the bound ICE-TCP address, or nil when ICE-TCP is off.
func (s *SFU) TCPAddr() net.Addr { return s.net.tcpAddr() }

func addrString(a net.Addr) string {
	if a == nil {
		return ""
	}
	return a.String()
}
