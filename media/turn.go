package media

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/pion/turn/v4"
)

// TURNConfig configures the embedded TURN server, for clients whose network
// blocks direct UDP to the SFU. Credentials are short-lived (RFC 8489
// long-term credentials in the TURN REST "expiry:user" form, HMAC-SHA1 of
// Secret), issued per session by SFU.TURNCredentials.
type TURNConfig struct {
	UDPAddr  string // UDP listener, "host:port" (e.g. ":3478")
	TLSAddr  string // optional TURN-over-TLS listener (e.g. ":5349"); needs CertFile/KeyFile
	CertFile string
	KeyFile  string
	// Host is the name clients use in turn:/turns: URLs; for TLS it must
	// match the certificate. Default: PublicIP.
	Host string
	// PublicIP is the relay address given to clients (required).
	PublicIP string
	Realm    string        // default "haven"
	Secret   string        // shared HMAC secret, at least 16 bytes
	TTL      time.Duration // credential lifetime, default 10 minutes
	// AllowPrivatePeers lets clients relay to loopback, private and
	// link-local addresses (tests, single-host setups). Off, only public
	// addresses and AllowedPeers may be reached through the relay.
	AllowPrivatePeers bool
	// AllowedPeers are addresses always reachable through the relay, for
	// example the SFU's own private address.
	AllowedPeers []string
}

func (c *TURNConfig) validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.UDPAddr); err != nil {
		errs = append(errs, fmt.Errorf("TURN UDP address %q: want host:port", c.UDPAddr))
	}
	if c.TLSAddr != "" && (c.CertFile == "" || c.KeyFile == "") {
		errs = append(errs, errors.New("TURN over TLS needs a certificate and key"))
	}
	if net.ParseIP(c.PublicIP) == nil {
		errs = append(errs, fmt.Errorf("TURN public IP %q: not an IP address", c.PublicIP))
	}
	if len(c.Secret) < 16 {
		errs = append(errs, errors.New("TURN secret: at least 16 bytes"))
	}
	for _, a := range c.AllowedPeers {
		if net.ParseIP(a) == nil {
			errs = append(errs, fmt.Errorf("TURN allowed peer %q: not an IP address", a))
		}
	}
	return errors.Join(errs...)
}

// turnServer is the running embedded TURN server.
type turnServer struct {
	cfg     TURNConfig
	server  *turn.Server
	udpPort int
	tlsPort int
}

// startTURN binds the TURN listeners and starts serving.
func startTURN(c TURNConfig, log *slog.Logger) (*turnServer, error) {
	if c.Realm == "" {
		c.Realm = "haven"
	}
	if c.TTL == 0 {
		c.TTL = 10 * time.Minute
	}
	if c.Host == "" {
		c.Host = c.PublicIP
	}
	logs := pionLogs{log.With("component", "turn")}
	allow := permission(c.AllowPrivatePeers, c.AllowedPeers)
	relay := &turn.RelayAddressGeneratorStatic{RelayAddress: net.ParseIP(c.PublicIP), Address: "0.0.0.0"}
	udp, err := net.ListenPacket("udp4", c.UDPAddr)
	if err != nil {
		return nil, fmt.Errorf("TURN UDP port: %w", err)
	}
	ts := &turnServer{cfg: c, udpPort: udp.LocalAddr().(*net.UDPAddr).Port}
	sc := turn.ServerConfig{
		Realm: c.Realm, LoggerFactory: logs,
		AuthHandler:       turn.LongTermTURNRESTAuthHandler(c.Secret, logs.NewLogger("auth")),
		PacketConnConfigs: []turn.PacketConnConfig{{PacketConn: udp, RelayAddressGenerator: relay, PermissionHandler: allow}},
	}
	if c.TLSAddr != "" {
		cert, err := tls.LoadX509KeyPair(c.CertFile, c.KeyFile)
		if err != nil {
			_ = udp.Close()
			return nil, fmt.Errorf("TURN certificate: %w", err)
		}
		ln, err := tls.Listen("tcp", c.TLSAddr, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
		if err != nil {
			_ = udp.Close()
			return nil, fmt.Errorf("TURN TLS port: %w", err)
		}
		ts.tlsPort = ln.Addr().(*net.TCPAddr).Port
		sc.ListenerConfigs = []turn.ListenerConfig{{Listener: ln, RelayAddressGenerator: relay, PermissionHandler: allow}}
	}
	if ts.server, err = turn.NewServer(sc); err != nil {
		_ = udp.Close()
		return nil, fmt.Errorf("TURN server: %w", err)
	}
	return ts, nil
}

// permission is the relay's peer filter: public addresses and the allowed
// list always, private ranges only when allowPrivate.
func permission(allowPrivate bool, allowed []string) turn.PermissionHandler {
	return func(_ net.Addr, peer net.IP) bool {
		for _, a := range allowed {
			if net.ParseIP(a).Equal(peer) {
				return true
			}
		}
		if allowPrivate {
			return true
		}
		return !(peer.IsLoopback() || peer.IsPrivate() || peer.IsLinkLocalUnicast() || peer.IsUnspecified() ||
			peer.IsMulticast() || peer.IsInterfaceLocalMulticast() || isSharedAddress(peer))
	}
}

// isSharedAddress reports RFC 6598 carrier-grade NAT space (100.64.0.0/10),
// private in effect.
func isSharedAddress(ip net.IP) bool {
	ip4 := ip.To4()
	return ip4 != nil && ip4[0] == 100 && ip4[1]&0xc0 == 64
}

func (t *turnServer) close() error { return t.server.Close() }

// ICEServer is what a client puts in RTCConfiguration.iceServers.
type ICEServer struct {
	URLs       []string  `json:"urls"`
	Username   string    `json:"username"`
	Credential string    `json:"credential"`
	Expires    time.Time `json:"expires"`
}

// TURNCredentials issues short-lived TURN credentials for one session of
// user (an opaque id, never a name or email), valid for TURNConfig.TTL.
// Errors: ErrNoTURN when TURN is not configured, an invalid-input fault for
// a malformed user id.
func (s *SFU) TURNCredentials(user string) (ICEServer, error) {
	if s.turn == nil {
		return ICEServer{}, ErrNoTURN
	}
	if err := validID(user); err != nil {
		return ICEServer{}, err
	}
	c := s.turn.cfg
	name, pass, err := turn.GenerateLongTermTURNRESTCredentials(c.Secret, user, c.TTL)
	if err != nil {
		return ICEServer{}, fmt.Errorf("media: TURN credentials: %w", err)
	}
	urls := []string{"turn:" + net.JoinHostPort(c.Host, strconv.Itoa(s.turn.udpPort)) + "?transport=udp"}
	if s.turn.tlsPort != 0 {
		urls = append(urls, "turns:"+net.JoinHostPort(c.Host, strconv.Itoa(s.turn.tlsPort))+"?transport=tcp")
	}
	return ICEServer{URLs: urls, Username: name, Credential: pass, Expires: time.Now().Add(c.TTL)}, nil
}
