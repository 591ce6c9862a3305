package media

import (
	"errors"
	"fmt"
	"net"

	"github.com/pion/ice/v4"
	"github.com/pion/transport/v5"
	"github.com/pion/webrtc/v4"
)

// network is the SFU's sockets: one UDP port shared by every peer
// connection through ICE's UDP mux, and an optional ICE-TCP listener. In
// tests, vnet replaces both with a virtual network.
type network struct {
	udpBound net.Addr // the bound (or, per interface, configured) UDP address
	udpMux   ice.UDPMux
	tcp      net.Listener
	tcpMux   ice.TCPMux
	vnet     transport.Net
}

// socketBuffer is the kernel buffer asked for on the media socket: a busy
// node receives bursts from many publishers at once.
const socketBuffer = 4 << 20

// openNetwork binds the media sockets of cfg: on an unspecified host
// (":50000") one socket per interface address, all on the same port;
// otherwise the one socket given.
func openNetwork(cfg Config, logs pionLogs) (*network, error) {
	addr, err := net.ResolveUDPAddr("udp", cfg.UDPAddr)
	if err != nil {
		return nil, fmt.Errorf("media UDP address %q: %w", cfg.UDPAddr, err)
	}
	n := &network{}
	if addr.IP == nil || addr.IP.IsUnspecified() {
		opts := []ice.UDPMuxFromPortOption{
			ice.UDPMuxFromPortWithLogger(logs.NewLogger("udpmux")),
			ice.UDPMuxFromPortWithReadBufferSize(socketBuffer), ice.UDPMuxFromPortWithWriteBufferSize(socketBuffer),
		}
		if cfg.LoopbackOnly {
			opts = append(opts, ice.UDPMuxFromPortWithLoopback())
		}
		mux, err := ice.NewMultiUDPMuxFromPort(addr.Port, opts...)
		if err != nil {
			return nil, fmt.Errorf("media UDP port: %w", err)
		}
		n.udpMux, n.udpBound = mux, addr
	} else {
		udp, err := net.ListenUDP("udp", addr)
		if err != nil {
			return nil, fmt.Errorf("media UDP port: %w", err)
		}
		_ = udp.SetReadBuffer(socketBuffer)  // best effort: the kernel may cap it
		_ = udp.SetWriteBuffer(socketBuffer) // best effort
		n.udpMux, n.udpBound = webrtc.NewICEUDPMux(logs.NewLogger("udpmux"), udp), udp.LocalAddr()
	}
	if cfg.TCPAddr != "" {
		ln, err := net.Listen("tcp", cfg.TCPAddr)
		if err != nil {
			n.close()
			return nil, fmt.Errorf("media ICE-TCP port: %w", err)
		}
		n.tcp = ln
		n.tcpMux = webrtc.NewICETCPMux(logs.NewLogger("tcpmux"), ln, 64)
	}
	return n, nil
}

// close releases the sockets; peer connections must be closed first.
func (n *network) close() error {
	var errs []error
	if n.udpMux != nil {
		errs = append(errs, n.udpMux.Close())
	}
	if n.tcpMux != nil {
		errs = append(errs, n.tcpMux.Close())
	}
	return errors.Join(errs...)
}

// udpAddr is the bound media UDP address, or nil on a virtual network.
func (n *network) udpAddr() net.Addr { return n.udpBound }

// tcpAddr is the bound ICE-TCP address, or nil.
func (n *network) tcpAddr() net.Addr {
	if n.tcp == nil {
		return nil
	}
	return n.tcp.Addr()
}
