package media

import (
	"net"

	"github.com/pion/dtls/v3"
	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/interceptor/pkg/cc"
	"github.com/pion/interceptor/pkg/gcc"
	"github.com/pion/interceptor/pkg/nack"
	"github.com/pion/interceptor/pkg/report"
	"github.com/pion/interceptor/pkg/twcc"
	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"
)

// Fixed payload types, the ones browsers commonly use, so forwarded packets
// rarely need their payload type changed.
const (
	ptOpus = 111
	ptVP8  = 96
	ptH264 = 102
)

// registerCodecs registers the codecs the SFU forwards: Opus, VP8 and H.264
// (constrained baseline, packetization mode 1), with NACK, PLI, FIR and
// transport-wide congestion control feedback on video.
func registerCodecs(m *webrtc.MediaEngine) error {
	fb := []webrtc.RTCPFeedback{
		{Type: "nack"}, {Type: "nack", Parameter: "pli"}, {Type: "ccm", Parameter: "fir"},
		{Type: webrtc.TypeRTCPFBTransportCC},
	}
	codecs := []struct {
		c    webrtc.RTPCodecParameters
		kind webrtc.RTPCodecType
	}{
		{webrtc.RTPCodecParameters{PayloadType: ptOpus, RTPCodecCapability: webrtc.RTPCodecCapability{
			MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2, SDPFmtpLine: "minptime=10;useinbandfec=1",
			RTCPFeedback: []webrtc.RTCPFeedback{{Type: webrtc.TypeRTCPFBTransportCC}},
		}}, webrtc.RTPCodecTypeAudio},
		{webrtc.RTPCodecParameters{PayloadType: ptVP8, RTPCodecCapability: webrtc.RTPCodecCapability{
			MimeType: webrtc.MimeTypeVP8, ClockRate: 90000, RTCPFeedback: fb,
		}}, webrtc.RTPCodecTypeVideo},
		{webrtc.RTPCodecParameters{PayloadType: ptH264, RTPCodecCapability: webrtc.RTPCodecCapability{
			MimeType: webrtc.MimeTypeH264, ClockRate: 90000, RTCPFeedback: fb,
			SDPFmtpLine: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
		}}, webrtc.RTPCodecTypeVideo},
	}
	for _, c := range codecs {
		if err := m.RegisterCodec(c.c, c.kind); err != nil {
			return err
		}
	}
	return nil
}

// settingEngine is the Pion configuration every SFU peer connection shares:
// the one UDP port (and ICE-TCP), no mDNS, AES-GCM SRTP first.
func (s *SFU) settingEngine() webrtc.SettingEngine {
	var se webrtc.SettingEngine
	se.LoggerFactory = pionLogs{s.log}
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	se.SetSRTPProtectionProfiles(dtls.SRTP_AEAD_AES_128_GCM, dtls.SRTP_AES128_CM_HMAC_SHA1_80)
	networks := []webrtc.NetworkType{webrtc.NetworkTypeUDP4, webrtc.NetworkTypeUDP6}
	if s.net.tcpMux != nil {
		se.SetICETCPMux(s.net.tcpMux)
		networks = append(networks, webrtc.NetworkTypeTCP4, webrtc.NetworkTypeTCP6)
	}
	se.SetNetworkTypes(networks)
	if s.net.udpMux != nil {
		se.SetICEUDPMux(s.net.udpMux)
	}
	if s.net.vnet != nil {
		se.SetNet(s.net.vnet)
	}
	if len(s.cfg.PublicIPs) > 0 {
		// Validated in Config.validate; the only error is a conflict with
		// SetNAT1To1IPs, which is never called.
		_ = se.SetICEAddressRewriteRules(webrtc.ICEAddressRewriteRule{
			External: s.cfg.PublicIPs, AsCandidateType: webrtc.ICECandidateTypeHost, Mode: webrtc.ICEAddressRewriteReplace,
		})
	}
	if s.cfg.LoopbackOnly {
		se.SetIncludeLoopbackCandidate(true)
		se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
	}
	se.DisableActiveTCP(true)
	return se
}

// newUpAPI builds the API for publishing connections: it receives audio
// (with the audio-level extension) and simulcast video, generates NACKs and
// receiver reports, and sends transport-wide congestion control feedback so
// the browser's own estimator works.
func (s *SFU) newUpAPI() (*webrtc.API, error) {
	m := &webrtc.MediaEngine{}
	if err := registerCodecs(m); err != nil {
		return nil, err
	}
	if err := m.RegisterHeaderExtension(webrtc.RTPHeaderExtensionCapability{URI: sdp.AudioLevelURI}, webrtc.RTPCodecTypeAudio); err != nil {
		return nil, err
	}
	if err := m.RegisterHeaderExtension(webrtc.RTPHeaderExtensionCapability{URI: sdp.SDESMidURI}, webrtc.RTPCodecTypeAudio); err != nil {
		return nil, err
	}
	if err := webrtc.ConfigureSimulcastExtensionHeaders(m); err != nil {
		return nil, err
	}
	reg := &interceptor.Registry{}
	gen, err := nack.NewGeneratorInterceptor(nack.WithGeneratorLoggerFactory(pionLogs{s.log}))
	if err != nil {
		return nil, err
	}
	reg.Add(gen)
	rr, err := report.NewReceiverInterceptor(report.WithReceiverLoggerFactory(pionLogs{s.log}))
	if err != nil {
		return nil, err
	}
	reg.Add(rr)
	if err := webrtc.ConfigureTWCCSenderWithOptions(m, reg, twcc.WithLoggerFactory(pionLogs{s.log})); err != nil {
		return nil, err
	}
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(reg), webrtc.WithSettingEngine(s.se)), nil
}

// newDownAPI builds the API for one subscriber's connection: it sends with
// transport-wide sequence numbers, estimates the subscriber's bandwidth with
// GCC from their feedback (handed to onEstimator once the connection
// exists), answers NACKs from a packet cache and sends sender reports.
// GCC's pacer is off: packets leave in the order and at the pace the
// publisher sent them.
func (s *SFU) newDownAPI(onEstimator func(cc.BandwidthEstimator)) (*webrtc.API, error) {
	m := &webrtc.MediaEngine{}
	if err := registerCodecs(m); err != nil {
		return nil, err
	}
	reg := &interceptor.Registry{}
	ccf, err := cc.NewInterceptor(func() (cc.BandwidthEstimator, error) {
		return gcc.NewSendSideBWE(
			gcc.SendSideBWEInitialBitrate(s.cfg.StartBitrate),
			gcc.SendSideBWEMinBitrate(30_000),
			gcc.SendSideBWEMaxBitrate(20_000_000),
			gcc.SendSideBWEPacer(gcc.NewNoOpPacer()),
			gcc.WithLoggerFactory(pionLogs{s.log}),
		)
	})
	if err != nil {
		return nil, err
	}
	ccf.OnNewPeerConnection(func(_ string, e cc.BandwidthEstimator) { onEstimator(e) })
	reg.Add(ccf)
	if err := webrtc.ConfigureTWCCHeaderExtensionSender(m, reg); err != nil {
		return nil, err
	}
	resp, err := nack.NewResponderInterceptor(nack.ResponderSize(1024), nack.WithResponderLoggerFactory(pionLogs{s.log}))
	if err != nil {
		return nil, err
	}
	reg.Add(resp)
	sr, err := report.NewSenderInterceptor(report.WithSenderLoggerFactory(pionLogs{s.log}))
	if err != nil {
		return nil, err
	}
	reg.Add(sr)
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(reg), webrtc.WithSettingEngine(s.se)), nil
}
