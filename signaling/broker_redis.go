package signaling

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"hash/fnv"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisBrokerOptions configures a RedisBroker; zero fields take defaults.
type RedisBrokerOptions struct {
	// Prefix starts every channel name, e.g. "haven:" (the default); nodes of
	// one deployment share it.
	Prefix string
	// Shards is the number of pub/sub connections; a topic's channel is
	// always read on the same one (FNV-1a of the topic). Default 2.
	Shards int
	// Outbox is how many publications may wait for Redis; beyond it Publish
	// fails and a gap is reported. Default 10,000.
	Outbox int
	// SubscribeTimeout bounds how long Subscribe waits for Redis to confirm.
	// Default 3 s.
	SubscribeTimeout time.Duration
	// HealthInterval is how long a pub/sub connection may stay silent before
	// it is pinged; an unanswered ping replaces the connection. Default 15 s.
	HealthInterval time.Duration
	// Logger receives operational logs. Nil: slog.Default().
	Logger *slog.Logger
}

// RedisBroker is the Broker for several nodes: Redis pub/sub with one channel
// per topic (Prefix + topic, e.g. "haven:u:42"), subscribed while the node
// has an interest in the topic, so a node receives only events for users
// connected to it. Channels are spread over Shards pub/sub connections.
//
// Publish queues to an ordered outbox written by one goroutine with
// pipelining, so it never waits for Redis and one node's messages reach Redis
// in Publish order. A node ignores its own messages (the hub delivers
// locally). Losses are reported, never silent:
//
//   - a publication that failed or overflowed the outbox is followed, once
//     Redis accepts writes again, by a gap marker on its channel (or on the
//     shared gap channel when too many topics missed), which subscribers turn
//     into HandleGap;
//   - when a pub/sub connection drops (or stops answering pings), go-redis
//     reconnects and subscribes again; once Redis confirms, every topic of
//     that shard is reported to HandleGap, since messages may have been
//     missed while it was down.
//
// The payload is transported as given; nothing else about users is stored.
type RedisBroker struct {
	rdb    redis.UniversalClient
	o      RedisBrokerOptions
	node   uint64
	h      BrokerHandler
	shards []*redisShard
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	outMu     sync.Mutex
	outbox    []outMsg
	outWake   chan struct{}
	missed    map[string]struct{}
	missedAll bool
}

type outMsg struct {
	topic string
	msg   []byte
}

// maxMissed bounds the topics remembered for gap markers; beyond it one
// marker on the gap channel tells every node to resync everything.
const maxMissed = 10000

// NewRedisBroker returns a broker on rdb, which the caller keeps owning (Close
// does not close it). The broker starts in Start.
func NewRedisBroker(rdb redis.UniversalClient, o RedisBrokerOptions) *RedisBroker {
	if o.Prefix == "" {
		o.Prefix = "haven:"
	}
	setInt(&o.Shards, 2)
	setInt(&o.Outbox, 10000)
	setDur(&o.SubscribeTimeout, 3*time.Second)
	setDur(&o.HealthInterval, 15*time.Second)
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	var id [8]byte
	_, _ = rand.Read(id[:])
	ctx, cancel := context.WithCancel(context.Background())
	return &RedisBroker{
		rdb: rdb, o: o, node: binary.BigEndian.Uint64(id[:]),
		ctx: ctx, cancel: cancel,
		outWake: make(chan struct{}, 1),
		missed:  make(map[string]struct{}),
	}
}

// gapChannel carries gap markers meaning "every topic".
func (b *RedisBroker) gapChannel() string { return b.o.Prefix + "gap" }

// Start implements Broker: it opens the pub/sub connections and starts the
// delivery and publishing goroutines.
func (b *RedisBroker) Start(h BrokerHandler) error {
	b.h = h
	for i := range b.o.Shards {
		s := newRedisShard(b, i)
		b.shards = append(b.shards, s)
		b.wg.Add(1)
		go s.run()
	}
	b.wg.Add(1)
	go b.publishLoop()
	return nil
}

func (b *RedisBroker) shard(topic string) *redisShard {
	f := fnv.New32a()
	f.Write([]byte(topic))
	return b.shards[f.Sum32()%uint32(len(b.shards))]
}

// Subscribe implements Broker.
func (b *RedisBroker) Subscribe(ctx context.Context, topic string) error {
	if b.ctx.Err() != nil {
		return ErrBrokerClosed
	}
	return b.shard(topic).subscribe(ctx, topic)
}

// Unsubscribe implements Broker.
func (b *RedisBroker) Unsubscribe(topic string) error {
	b.shard(topic).unsubscribe(topic)
	return nil
}

// Publish implements Broker: it queues the message and returns at once.
func (b *RedisBroker) Publish(topic string, payload []byte) error {
	if b.ctx.Err() != nil {
		return ErrBrokerClosed
	}
	b.outMu.Lock()
	if len(b.outbox) >= b.o.Outbox {
		b.missLocked(topic)
		b.outMu.Unlock()
		b.signalOut()
		return ErrBrokerBacklog
	}
	b.outbox = append(b.outbox, outMsg{topic, encodeWire(kindMessage, b.node, payload)})
	b.outMu.Unlock()
	b.signalOut()
	return nil
}

func (b *RedisBroker) signalOut() {
	select {
	case b.outWake <- struct{}{}:
	default:
	}
}

// missLocked remembers a topic whose subscribers must be told of a gap.
func (b *RedisBroker) missLocked(topic string) {
	if len(b.missed) >= maxMissed {
		b.missedAll = true
		return
	}
	b.missed[topic] = struct{}{}
}

// publishLoop writes the outbox to Redis in order, then any gap markers.
func (b *RedisBroker) publishLoop() {
	defer b.wg.Done()
	retry := time.NewTimer(time.Hour)
	retry.Stop()
	for {
		select {
		case <-b.outWake:
		case <-retry.C:
		case <-b.ctx.Done():
			return
		}
		b.outMu.Lock()
		batch := b.outbox
		b.outbox = nil
		b.outMu.Unlock()
		ok := b.send(batch)
		if ok {
			ok = b.sendGaps()
		}
		if !ok {
			retry.Reset(time.Second)
		}
	}
}

// send pipelines a batch of publications; it records the topics of those
// that failed and reports whether all succeeded.
func (b *RedisBroker) send(batch []outMsg) bool {
	if len(batch) == 0 {
		return true
	}
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	pipe := b.rdb.Pipeline()
	for _, m := range batch {
		pipe.Publish(ctx, b.o.Prefix+m.topic, m.msg)
	}
	cmds, err := pipe.Exec(ctx)
	if err == nil || b.ctx.Err() != nil {
		return true
	}
	b.o.Logger.Warn("signaling: redis publish failed", "messages", len(batch), "err", err)
	b.outMu.Lock()
	defer b.outMu.Unlock()
	for i, c := range cmds {
		if c.Err() != nil && i < len(batch) {
			b.missLocked(batch[i].topic)
		}
	}
	return false
}

// sendGaps publishes gap markers for the topics whose messages were lost; it
// reports whether none remain.
func (b *RedisBroker) sendGaps() bool {
	b.outMu.Lock()
	missed, all := b.missed, b.missedAll
	if len(missed) == 0 && !all {
		b.outMu.Unlock()
		return true
	}
	b.missed, b.missedAll = make(map[string]struct{}), false
	b.outMu.Unlock()
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	marker := encodeWire(kindGap, b.node, nil)
	pipe := b.rdb.Pipeline()
	if all {
		pipe.Publish(ctx, b.gapChannel(), marker)
	} else {
		for t := range missed {
			pipe.Publish(ctx, b.o.Prefix+t, marker)
		}
	}
	if _, err := pipe.Exec(ctx); err != nil {
		b.outMu.Lock()
		for t := range missed {
			b.missLocked(t)
		}
		b.missedAll = b.missedAll || all
		b.outMu.Unlock()
		return false
	}
	return true
}

// Close implements Broker: it stops the goroutines and closes the pub/sub
// connections. Queued publications are dropped.
func (b *RedisBroker) Close() error {
	b.cancel()
	for _, s := range b.shards {
		s.close()
	}
	b.wg.Wait()
	return nil
}
