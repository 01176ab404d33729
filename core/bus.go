package core

import "sync"

// bus fans events out to subscribers. Each subscriber has an unbounded queue drained by its
// own goroutine, so emitting never blocks and a slow subscriber loses nothing.
type bus struct {
	mu     sync.Mutex
	subs   map[*subscriber]bool
	closed bool
}

type subscriber struct {
	out  chan Event
	wake chan struct{} // capacity 1: "the queue or closing changed"
	quit chan struct{} // closed by the unsubscribe function: stop at once

	mu      sync.Mutex
	queue   []Event
	closing bool // deliver what is queued, then close out
}

func newBus() *bus { return &bus{subs: map[*subscriber]bool{}} }

// subscribe adds a subscriber. After close it returns an already closed channel.
func (b *bus) subscribe() (<-chan Event, func()) {
	s := &subscriber{out: make(chan Event), wake: make(chan struct{}, 1), quit: make(chan struct{})}
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		close(s.out)
		return s.out, func() {}
	}
	b.subs[s] = true
	b.mu.Unlock()
	go s.deliver()
	var once sync.Once
	return s.out, func() {
		once.Do(func() {
			b.mu.Lock()
			delete(b.subs, s)
			b.mu.Unlock()
			close(s.quit)
		})
	}
}

// emit queues ev for every subscriber. Events keep their emit order per subscriber.
func (b *bus) emit(ev Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	for s := range b.subs {
		s.push(ev, false)
	}
}

// emitAll queues evs, in order, for every subscriber: one lock per subscriber for a batch of
// per-op events instead of one per event.
func (b *bus) emitAll(evs []Event) {
	if len(evs) == 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	for s := range b.subs {
		s.pushAll(evs)
	}
}

// close lets every subscriber drain its queue, then closes its channel. It does not wait for
// subscribers to read.
func (b *bus) close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	b.closed = true
	for s := range b.subs {
		s.push(Event{}, true)
	}
	b.subs = nil
}

func (s *subscriber) push(ev Event, closing bool) {
	s.mu.Lock()
	if closing {
		s.closing = true
	} else {
		s.queue = append(s.queue, ev)
	}
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *subscriber) pushAll(evs []Event) {
	s.mu.Lock()
	s.queue = append(s.queue, evs...)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// deliver hands queued events to the subscriber's channel, one at a time, until closing with
// an empty queue or unsubscribed.
func (s *subscriber) deliver() {
	defer close(s.out)
	for {
		s.mu.Lock()
		batch, closing := s.queue, s.closing
		s.queue = nil
		s.mu.Unlock()
		for _, ev := range batch {
			select {
			case s.out <- ev:
			case <-s.quit:
				return
			}
		}
		if len(batch) > 0 {
			continue
		}
		if closing {
			return
		}
		select {
		case <-s.wake:
		case <-s.quit:
			return
		}
	}
}
