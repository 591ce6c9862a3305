package main

import (
	"context"
	"fmt"

	"haven/chat"
	"haven/crisis"
	"haven/crisis/detect"
	"haven/media"
	"haven/portal/fhir"
	"haven/portal/measures"
	"haven/portal/meds"
	"haven/portal/records"
	"haven/portal/visits"
)

// domain is the node's care services: messaging, crisis, video and the
// clinical portal, each over the foundation services and the hub.
type domain struct {
	chat     *chat.Service
	crisis   *crisis.Service
	visits   *visits.Service
	meds     *meds.Service
	measures *measures.Service
	records  *records.Service
	sfu      *media.SFU
	video    *media.Sessions
	fhir     *fhir.Server
}

// buildDomain builds the care services. The hub and push must exist; the
// FHIR server is built later, with the edge it authenticates through.
func (n *node) buildDomain() (err error) {
	c, d := n.core, &n.domain
	risk := &riskScreen{detector: detect.New(), log: c.log}
	d.chat, err = chat.New(chat.Config{
		Pool:             c.pool,
		Hub:              n.hub,
		Sealer:           c.keys,
		Access:           chatAccess{c.accounts},
		Notifier:         n.push,
		Risk:             risk,
		Logger:           c.log,
		ReplyExpectation: c.cfg.ReplyExpectation,
	})
	if err != nil {
		return fmt.Errorf("chat: %w", err)
	}
	n.reg.MustRegister(d.chat.Collectors()...)
	d.crisis, err = crisis.New(c.pool, crisis.Deps{
		Notifier:      hubNotifier{n.hub},
		Pusher:        n.push,
		Auditor:       crisisAuditor{},
		Granter:       c.accounts,
		Conversations: d.chat,
		People:        crisisPeople{c.accounts},
		Sealer:        c.keys,
	}, crisis.Config{Logger: c.log})
	if err != nil {
		return fmt.Errorf("crisis: %w", err)
	}
	risk.crisis = d.crisis
	if err := n.buildClinical(); err != nil {
		return err
	}
	return n.buildVideo()
}

// buildClinical builds visits, medications, measures and records.
func (n *node) buildClinical() (err error) {
	c, d := n.core, &n.domain
	reminders, notices := pushReminders{n.push}, hubNotices{n.hub}
	d.visits, err = visits.New(visits.Options{Pool: c.pool, Access: c.accounts, Reminders: reminders,
		Notifier: notices, ClinicPhone: c.cfg.ClinicPhone, Logger: c.log})
	if err != nil {
		return fmt.Errorf("visits: %w", err)
	}
	d.meds, err = meds.New(meds.Options{Pool: c.pool, Access: c.accounts, Sealer: c.keys, Reminders: n.push,
		Notifier: notices, Logger: c.log})
	if err != nil {
		return fmt.Errorf("medications: %w", err)
	}
	d.measures, err = measures.New(measures.Options{Pool: c.pool, Authorizer: c.accounts, Sealer: c.keys,
		Escalator: measuresEscalator{d.crisis}, Reminders: reminders, Logger: c.log})
	if err != nil {
		return fmt.Errorf("measures: %w", err)
	}
	d.records, err = records.New(records.Options{Pool: c.pool, Authorizer: c.accounts, Sealer: c.keys, Logger: c.log})
	if err != nil {
		return fmt.Errorf("records: %w", err)
	}
	return nil
}

// buildVideo binds the SFU's media sockets and registers the media.*
// frames on the hub.
func (n *node) buildVideo() (err error) {
	c, d := n.core, &n.domain
	cfg := media.Config{UDPAddr: c.cfg.MediaUDP, TCPAddr: c.cfg.MediaTCP, PublicIPs: c.cfg.MediaPublicIPs}
	if c.cfg.TURNUDP != "" {
		cfg.TURN = &media.TURNConfig{UDPAddr: c.cfg.TURNUDP, PublicIP: c.cfg.TURNPublicIP, Secret: c.cfg.TURNSecret}
	}
	d.sfu, err = media.NewSFU(cfg, c.log)
	if err != nil {
		return fmt.Errorf("video: %w", err)
	}
	d.video, err = media.NewSessions(media.SessionsOptions{SFU: d.sfu, Pool: c.pool, Access: c.accounts,
		Visits: d.visits, Directory: c.accounts, Notifier: n.hub, Logger: c.log,
		Redis: n.redis, Prefix: "haven:"}) // nil Redis: one node, no relay
	if err != nil {
		return fmt.Errorf("video sessions: %w", err)
	}
	media.RegisterHandlers(n.hub, d.video)
	return nil
}

// closeDomain stops the video relay and the chat committers once the hub
// has shut down; the media sockets are released by close.
func (n *node) closeDomain(ctx context.Context) {
	if n.video != nil {
		n.video.Close() // stops relaying video signaling between nodes
	}
	if n.chat != nil {
		if err := n.chat.Close(ctx); err != nil {
			n.log.Warn("chat: close", "err", err)
		}
	}
}
