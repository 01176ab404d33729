package core_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/simserver"
	"github.com/offsync/offsync/memstore"
)

// The deterministic simulation: several clients (engine + memstore) against one simserver;
// random local creates, edits and deletes (also while the client's own sync waits on the
// server), syncs of random clients and kinds, full resyncs, retries of parked ops; injected
// faults before and after the server applied a push (lost requests, lost answers, lost calls,
// 503, 429, 400); kind "task" under a seed-chosen conflict strategy. Each seed also picks
// further moves (sim_moves_test.go; a quarter of the seeds stays "classic"): several push
// batches in flight, app-made ops through Enqueue, both kinds under strategies (merge
// included), conflicts deferred and resolved later by the app, frequent full resyncs, parked
// ops dropped. After a final quiet round it checks that every client equals the server, that
// no acknowledged local write vanished without a conflict event saying so, that no op was
// applied twice, and that no deferred conflict ended silently; along the way, that no
// idempotency key was sent with two contents and that a client matches the server right
// after a full resync (sim_invariants_test.go). Reproduce a failure with the seed it prints
// (the trace file holds every step, server change and resolution); runs with push
// concurrency are checked the same way but not replayed step for step:
//
//	go test ./core -run 'TestSimulation$' -sim.seed=N [-sim.steps=M] [-sim.moves=classic|serial|all] [-sim.trace=FILE]
var (
	simSeed    = flag.Uint64("sim.seed", 0, "simulation seed (0: a new one from the clock)")
	simSteps   = flag.Int("sim.steps", 5000, "simulation steps")
	simClients = flag.Int("sim.clients", 3, "simulated clients")
	simTrace   = flag.String("sim.trace", "", "on failure, write the whole step trace to this file")
)

var simKinds = []string{"note", "task"}

// simIDs is the shared pool of entity ids: clients create the same ids too (both sides
// created it) and edit each other's records.
const simIDs = 6

// simMaxRecords bounds new ids per kind (tombstones included), so that steps stay cheap.
const simMaxRecords = 30

func TestSimulation(t *testing.T) {
	seed := *simSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	moves := pickMoves(seed, *simMovesFlag)
	t.Logf("simulation seed %d, moves %s (reproduce with -sim.seed=%d -sim.steps=%d -sim.clients=%d)", seed, moves, seed, *simSteps, *simClients)
	w := newSimWorld(t, seed, *simClients, moves)
	if !t.Run("steps", func(t *testing.T) { w.run(t, *simSteps) }) {
		w.dumpTrace()
		t.Errorf("simulation failed with seed %d: rerun with -sim.seed=%d -sim.steps=%d -sim.clients=%d [-sim.trace=FILE]", seed, seed, *simSteps, *simClients)
	}
}

// TestSimulationDeterministic: one seed gives one history, so a printed seed reproduces a
// failure. Every move but push concurrency is on (several batches in flight are ordered by the
// scheduler).
func TestSimulationDeterministic(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	var traces [2][]string
	for i := range traces {
		w := newSimWorld(t, seed, 3, pickMoves(seed, "serial"))
		t.Run(fmt.Sprintf("run%d", i), func(t *testing.T) { w.run(t, 400) })
		traces[i] = w.trace
	}
	require.Equal(t, traces[0], traces[1], "seed %d", seed)
}

// run does steps random steps, the quiet round and every check.
func (w *simWorld) run(t *testing.T, steps int) {
	w.t = t
	for step := 1; step <= steps; step++ {
		w.step = step
		w.randomStep()
	}
	w.quiet()
	w.checkConverged()
	w.closeAll()
	w.checkNoWriteVanished()
	w.checkAppliedOnce()
	w.checkDeferredSettled()
	t.Logf("moves %s; note strategy %s, task strategy %s; counts: %v", w.moves, w.noteStrategy, w.taskStrategy, w.counts)
	if steps >= 1000 {
		require.Positive(t, w.counts["duplicate delivery"], "no duplicate delivery was exercised")
		w.requireMovesExercised()
	}
}

// simWorld is one simulation run. Everything random comes from rng (actions) and faultRNG
// (faults, drawn under the server's lock), both from the seed; clocks are simulated.
type simWorld struct {
	t *testing.T
	// mu serialises what engine goroutines call back into (transport, resolver): with push
	// concurrency several batches of one client are under way at once.
	mu sync.Mutex
	// gate holds the engines' store changes (simStore) while the user acts during a sync;
	// actCtx is that act's context.
	gate         sync.RWMutex
	actCtx       context.Context
	inPush       atomic.Int32 // push calls of the syncing client under way
	moves        simMoves
	rng          *rand.Rand
	faultRNG     *rand.Rand
	faults       atomic.Bool
	clock        atomic.Int64 // simulated Unix ms, advanced every step
	srv          *simserver.Server
	clients      []*simClient
	step         int
	nextVal      int
	seen         simSeen
	dues         []simDue
	taskStrategy core.Strategy
	noteStrategy core.Strategy
	// trace is what happened, step by step, for failure reports.
	trace []string
	// lostAnswers are the idempotency keys whose answer a fault may have lost; callKeys are
	// those of the push call under way; counts tallies faults.
	lostAnswers map[string]bool
	callKeys    []string
	counts      map[string]int
	// closedEvents is every client's whole event stream, once closeAll ran.
	closedEvents map[*simClient][]core.Event
	// pushedContent is what each "client key" carried when first sent.
	pushedContent map[string]string
	// enqueued holds "client opID" of app-made ops, appCopy the app's own copy of the
	// entities it enqueued for ("client kind/id").
	enqueued map[string]bool
	appCopy  map[string]map[string]any
	// deferred is every deferred conflict seen ("client opID" → kind/id); resolvedByApp and
	// droppedOps are the user's ResolveConflict and DropParked calls ("client opID").
	deferred      map[string]string
	resolvedByApp map[string]bool
	droppedOps    map[string]bool
	// touched holds the "client kind/id" written since the current full resync began.
	touched map[string]bool
}

func newSimWorld(t *testing.T, seed uint64, n int, moves simMoves) *simWorld {
	w := &simWorld{
		t:             t,
		moves:         moves,
		pushedContent: map[string]string{},
		enqueued:      map[string]bool{},
		appCopy:       map[string]map[string]any{},
		deferred:      map[string]string{},
		resolvedByApp: map[string]bool{},
		droppedOps:    map[string]bool{},
		touched:       map[string]bool{},
		rng:           rand.New(rand.NewPCG(seed, 1)),
		faultRNG:      rand.New(rand.NewPCG(seed, 2)),
		seen:          simSeen{values: map[string]bool{}, deleted: map[string][]simDeletion{}, version: map[string]string{}, count: map[string]int{}, notFound: map[string]bool{}},
		lostAnswers:   map[string]bool{},
		counts:        map[string]int{},
	}
	w.clock.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli())
	w.srv = simserver.New(simserver.Options{Now: w.now})
	w.faults.Store(true)
	w.srv.SetHooks(simserver.Hooks{Op: w.opFault, BeforeCall: w.callFault})
	// "note" keeps the default; "task" gets a strategy of the seed's choice, so that the
	// strategies that discard data are held to reporting it.
	strategies := []core.Strategy{core.AutoPreserve, core.ServerWins, core.ClientWins, core.LastWriteWins, core.Manual}
	w.noteStrategy = core.AutoPreserve
	if moves.strategies {
		// "note" takes Config.Strategy, "task" overrides it per kind; merge is one of them.
		strategies = append(strategies, core.Merge)
		w.noteStrategy = strategies[w.rng.IntN(len(strategies))]
	}
	w.taskStrategy = strategies[w.rng.IntN(len(strategies))]
	if moves.deferral && w.noteStrategy != core.Manual && w.taskStrategy != core.Manual {
		w.noteStrategy = core.Manual // the resolver defers only for the manual strategy
	}
	w.logf("moves %s; note strategy %s, task strategy %s", moves, w.noteStrategy, w.taskStrategy)
	for i := range n {
		w.clients = append(w.clients, newSimClient(t, w, i))
	}
	return w
}

func (w *simWorld) now() time.Time { return time.UnixMilli(w.clock.Load()) }

// opFault decides the fate of one pushed op: lost before or after the server applied it,
// 503 or 429 (retried by the engine), or a normal answer. It runs under the server's lock.
func (w *simWorld) opFault(op core.Op) simserver.Fault {
	key := op.IdempotencyKey()
	if !w.faults.Load() {
		return simserver.Pass
	}
	f := simserver.Pass
	switch r := w.faultRNG.IntN(100); {
	case r < 6:
		f = simserver.LoseRequest
		w.answersLost()
		w.counts["request lost"]++
	case r < 12:
		f = simserver.LoseResponse
		w.answersLost()
		w.counts["answer lost"]++
	case r < 16:
		f = simserver.Unavailable
		w.counts["503"]++
	case r < 18:
		f = simserver.TooMany
		w.counts["429"]++
	case r < 19 && !w.lostAnswers[key]:
		// A server that applied this key answers it again as it did; only a key it never
		// applied can be refused.
		f = simserver.Reject
		w.counts["400"]++
	}
	return f
}

// answersLost notes that the current push call loses its answers: the ops before the faulted
// one were applied, unknown to the client.
func (w *simWorld) answersLost() {
	for _, k := range w.callKeys {
		w.lostAnswers[k] = true
	}
}

// callFault loses some pulls and whole push calls before they reach the server.
func (w *simWorld) callFault(_ context.Context, method string, ops []core.Op) error {
	w.callKeys = w.callKeys[:0]
	for _, op := range ops {
		w.callKeys = append(w.callKeys, op.IdempotencyKey())
	}
	if !w.faults.Load() || (method != simserver.MethodPull && method != simserver.MethodPush) {
		return nil
	}
	if w.faultRNG.IntN(100) < 4 {
		w.counts["call lost"]++
		return simserver.NetworkError(method)
	}
	return nil
}

// simClient is one device: an engine on a memstore, with its own deterministic ids.
type simClient struct {
	name   string
	eng    *core.Engine
	store  *memstore.Store
	opSeq  int
	events chan []core.Event
}

func newSimClient(t *testing.T, w *simWorld, i int) *simClient {
	c := &simClient{name: fmt.Sprintf("c%d", i), store: memstore.New()}
	batch := 4
	if w.moves.concurrency > 1 {
		batch = 2 // passes of several batches, so that they are in flight together
	}
	base := simStore{Store: c.store, w: w}
	var store core.Store = base
	if w.moves.claimHeads {
		store = simClaimingStore{simStore: base, hc: c.store}
	}
	eng, err := core.New(core.Config{
		Store: store, Transport: simObserved{Transport: w.srv, w: w, c: c}, Kinds: simKinds,
		PageSize: 3, PushBatchSize: batch, Serial: !w.moves.overlap, // one goroutine (unless PushConcurrency > 1): the run is replayable
		PushConcurrency: w.moves.concurrency,
		Now:             w.now,
		Sleep:           func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
		Jitter:          func() float64 { return 0.5 },
		NewID: func() string {
			c.opSeq++
			return fmt.Sprintf("%s-op%05d", c.name, c.opSeq)
		},
		FullResyncInterval: new(time.Duration(0)), // never
		Strategy:           w.noteStrategy,
		KindStrategies:     map[string]core.Strategy{"task": w.taskStrategy},
		MergeFunc:          w.merge,
		Resolver:           w.resolve,
	})
	require.NoError(t, err)
	c.eng = eng
	ch, _ := eng.Subscribe()
	c.events = make(chan []core.Event, 1)
	go func() {
		var all []core.Event
		for ev := range ch {
			all = append(all, ev)
		}
		c.events <- all
	}()
	t.Cleanup(func() {
		_ = eng.Close()
		_ = c.store.Close()
	})
	return c
}

// simObserved is a client's view of the server. It records the server's state after every
// push call that changed it (one call changes an entity at most once: a batch holds one op per
// entity, and only pushes change the server), so no value or tombstone the server held goes
// unseen; and it lets the user act while a call is on its way.
type simObserved struct {
	core.Transport
	w *simWorld
	c *simClient
}

func (o simObserved) Push(ctx context.Context, ops []core.Op) ([]core.PushResult, error) {
	together := o.w.inPush.Add(1) > 1
	defer o.w.inPush.Add(-1)
	o.w.mu.Lock()
	defer o.w.mu.Unlock()
	if together {
		o.w.counts["batches in flight together"]++
	}
	o.w.checkSameContent(o.c, ops)
	o.w.duringSync(o.c)
	before := make([]int, len(ops))
	for i, op := range ops {
		before[i] = o.w.srv.Applied(op.IdempotencyKey())
		if before[i] > 0 {
			o.w.counts["duplicate delivery"]++
		}
	}
	res, err := o.Transport.Push(ctx, ops)
	for i, r := range res {
		if r.Status == core.PushNotFound && ops[i].Type == core.OpDelete {
			o.w.seen.notFound[o.c.name+" "+r.OpID] = true
		}
	}
	for i, op := range ops {
		if o.w.srv.Applied(op.IdempotencyKey()) != before[i] {
			o.w.observeServer()
			break
		}
	}
	return res, err
}

func (o simObserved) Pull(ctx context.Context, kind string, req core.PullRequest) (core.PullPage, error) {
	o.w.mu.Lock()
	defer o.w.mu.Unlock()
	o.w.duringSync(o.c)
	return o.Transport.Pull(ctx, kind, req)
}

// Fetch and Health hold w.mu too: the server's BeforeCall hook (callFault) writes the world's
// bookkeeping, and a refetch may run beside a prefetched pull page.
func (o simObserved) Fetch(ctx context.Context, kind, id string) (core.Record, bool, error) {
	o.w.mu.Lock()
	defer o.w.mu.Unlock()
	return o.Transport.Fetch(ctx, kind, id)
}

func (o simObserved) Health(ctx context.Context) error {
	o.w.mu.Lock()
	defer o.w.mu.Unlock()
	return o.Transport.Health(ctx)
}

// resolve is the manual strategy's user: a random decision; "defer" only with the deferral
// moves and never in the quiet round (which must be able to settle everything).
func (w *simWorld) resolve(_ context.Context, c core.Conflict) (core.Resolution, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.moves.deferral && w.faults.Load() && w.rng.IntN(3) == 0 {
		w.logf("resolver defers %s/%s op %s", c.Kind, c.EntityID, c.OpID)
		w.counts["deferred"]++
		return core.Resolution{Action: core.Defer}, nil
	}
	actions := []core.Action{core.AcceptServer, core.AcceptClient, core.Discard, core.Merged}
	a := actions[w.rng.IntN(len(actions))]
	if a != core.Merged {
		return core.Resolution{Action: a}, nil
	}
	if c.LocalDeleted || c.ServerDeleted {
		return core.Resolution{Action: core.AcceptClient}, nil
	}
	data, err := core.PreservingMergeJSON(c.Local, c.Server, c.ChangedFields)
	return core.Resolution{Action: core.Merged, Data: data}, err
}

// ctx is the context of what the simulation does now: the act's while the user acts during a
// sync.
func (w *simWorld) ctx() context.Context {
	if w.actCtx != nil {
		return w.actCtx
	}
	return simCtx(w.t)
}

func simCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// randomStep advances the clock and does one random thing on one random client.
func (w *simWorld) randomStep() {
	w.clock.Add(int64(1 + w.rng.IntN(2000)))
	c := w.clients[w.rng.IntN(len(w.clients))]
	kind := simKinds[w.rng.IntN(len(simKinds))]
	if !w.moves.classic() {
		w.movesStep(c, kind)
		return
	}
	switch r := w.rng.IntN(100); {
	case r < 52:
		w.localAction(c, kind, r)
	case r < 94:
		w.sync(c)
	case r < 95:
		w.retryParked(c)
	default:
		w.fullResync(c)
	}
}

// localAction is what the user does on c: r < 52 picks which.
func (w *simWorld) localAction(c *simClient, kind string, r int) {
	switch {
	case r < 25:
		w.edit(c, kind)
	case r < 38:
		w.create(c, kind)
	case r < 45:
		w.remove(c, kind)
	default:
		w.burst(c, kind)
	}
}

// duringSync sometimes has the user (or, with the enqueue moves, the seed-style app) act on c
// while its sync waits for the server, so that writes meet in-flight ops and pulls meet
// pending ones. It runs on the syncing goroutine (under w.mu with push concurrency, while the
// client's other batches wait).
func (w *simWorld) duringSync(c *simClient) {
	if w.faults.Load() && w.rng.IntN(100) < 12 {
		w.logf("%s acts during its sync", c.name)
		w.gate.Lock()
		w.actCtx = context.WithValue(simCtx(w.t), simActKey{}, true)
		defer func() {
			w.actCtx = nil
			w.gate.Unlock()
		}()
		kind := simKinds[w.rng.IntN(len(simKinds))]
		if w.moves.enqueue && w.rng.IntN(4) == 0 {
			w.enqueue(c, kind)
			return
		}
		w.localAction(c, kind, w.rng.IntN(52))
	}
}

func (w *simWorld) value(c *simClient) string {
	w.nextVal++
	return fmt.Sprintf("%s-s%d-v%d", c.name, w.step, w.nextVal)
}

// create writes a record under a new id, or a pool id the client does not have live.
func (w *simWorld) create(c *simClient, kind string) {
	id := fmt.Sprintf("e%d", w.rng.IntN(simIDs))
	if w.rng.IntN(10) < 3 && w.seen.count[kind] < simMaxRecords {
		w.nextVal++
		id = fmt.Sprintf("%s-n%d", c.name, w.nextVal)
	}
	if _, ok := w.liveLocal(c, kind, id); ok {
		w.edit(c, kind)
		return
	}
	data := map[string]any{"id": id, "a": w.value(c), "tags": []any{w.value(c)}}
	w.put(c, kind, id, data, []string{"a", "tags"})
}

// edit edits a random live record.
func (w *simWorld) edit(c *simClient, kind string) {
	recs, err := c.eng.List(w.ctx(), kind)
	require.NoError(w.t, err)
	if len(recs) == 0 {
		return
	}
	w.editID(c, kind, recs[w.rng.IntN(len(recs))].ID)
}

// burst is a user working on one record: a few edits in a row, then maybe its delete.
func (w *simWorld) burst(c *simClient, kind string) {
	recs, err := c.eng.List(w.ctx(), kind)
	require.NoError(w.t, err)
	if len(recs) == 0 {
		return
	}
	id := recs[w.rng.IntN(len(recs))].ID
	for range 1 + w.rng.IntN(3) {
		w.editID(c, kind, id)
	}
	if w.rng.IntN(2) == 0 {
		w.removeID(c, kind, id)
	}
}

// editID changes one or two fields of a live record, or adds a tag to its list.
func (w *simWorld) editID(c *simClient, kind, id string) {
	rec, ok := w.liveLocal(c, kind, id)
	require.True(w.t, ok, "step %d: %s/%s is not live on %s", w.step, kind, id, c.name)
	data := simDecode(w.t, rec.Data)
	w.put(c, kind, rec.ID, data, w.editFields(c, data))
}

// editFields changes one or two of data's fields, or adds a tag to its list, and returns the
// names of the fields it changed.
func (w *simWorld) editFields(c *simClient, data map[string]any) []string {
	var changed []string
	for _, f := range []string{"a", "b", "tags"} {
		if w.rng.IntN(2) == 0 {
			continue
		}
		changed = append(changed, f)
		if f == "tags" {
			tags, _ := data["tags"].([]any)
			data["tags"] = append(append([]any{}, tags...), w.value(c))
			continue
		}
		data[f] = w.value(c)
	}
	if len(changed) == 0 {
		changed = []string{"b"}
		data["b"] = w.value(c)
	}
	return changed
}

// put writes data and records what the write obliges the system to keep.
func (w *simWorld) put(c *simClient, kind, id string, data map[string]any, changed []string) {
	if w.appOwned(c, kind, id) {
		return
	}
	w.supersede(c, kind, id, changed)
	w.rewritten(c, kind, id)
	w.touched[c.name+" "+kind+"/"+id] = true
	raw, err := json.Marshal(data)
	require.NoError(w.t, err)
	_, err = c.eng.Put(w.ctx(), kind, raw, core.PutOptions{})
	require.NoError(w.t, err)
	w.logf("%s put %s/%s %s", c.name, kind, id, raw)
	w.dueChanged(c, kind, id, data, changed)
}

func (w *simWorld) remove(c *simClient, kind string) {
	recs, err := c.eng.List(w.ctx(), kind)
	require.NoError(w.t, err)
	if len(recs) == 0 {
		return
	}
	w.removeID(c, kind, recs[w.rng.IntN(len(recs))].ID)
}

func (w *simWorld) removeID(c *simClient, kind, id string) {
	w.supersede(c, kind, id, nil)
	w.touched[c.name+" "+kind+"/"+id] = true
	require.NoError(w.t, c.eng.Delete(w.ctx(), kind, id))
	w.logf("%s delete %s/%s ", c.name, kind, id)
	if len(w.pendingOps(c, kind, id)) == 0 {
		return // a create and its delete cancelled out: nothing was ever sent
	}
	w.due(c, kind, id, simDeleted, "")
}

func (w *simWorld) sync(c *simClient) {
	opts := core.SyncOptions{}
	if w.rng.IntN(4) == 0 {
		opts.Kinds = []string{simKinds[w.rng.IntN(len(simKinds))]}
	}
	st, err := c.eng.Sync(w.ctx(), opts)
	w.logf("%s sync %v: %+v err=%v", c.name, opts.Kinds, st, err)
	w.requireSyncErr(err)
	if w.moves.deferral {
		w.noteDeferred(c)
	}
}

// retryParked is the user pressing "retry" on every op the server refused: they go back to
// the outbox with a new key (refusals are injected faults, so the retry can succeed).
func (w *simWorld) retryParked(c *simClient) {
	parked, err := c.eng.Parked(w.ctx())
	require.NoError(w.t, err)
	if len(parked) == 0 {
		return
	}
	ids := make([]string, len(parked))
	for i, p := range parked {
		ids[i] = p.Op.OpID
		w.rewritten(c, p.Op.Kind, p.Op.EntityID)
	}
	require.NoError(w.t, c.eng.RetryParked(w.ctx(), ids))
	w.logf("%s retries parked %v", c.name, ids)
}

func (w *simWorld) fullResync(c *simClient) {
	clear := w.rng.IntN(2) == 0
	w.touched = map[string]bool{}
	st, err := c.eng.FullResync(w.ctx(), clear)
	w.logf("%s full resync clearData=%v: %+v err=%v", c.name, clear, st, err)
	w.requireSyncErr(err)
	if w.moves.deferral {
		w.noteDeferred(c)
	}
	if err == nil && w.moves.resyncs {
		w.checkMatchesServer(c)
	}
}

// requireSyncErr accepts only the failures the simulation injects.
func (w *simWorld) requireSyncErr(err error) {
	if err == nil {
		return
	}
	require.True(w.t, core.IsRetryable(err), "step %d: sync failed with a non-retryable error: %v", w.step, err)
}

func (w *simWorld) liveLocal(c *simClient, kind, id string) (core.Record, bool) {
	rec, ok, err := c.eng.Get(w.ctx(), kind, id)
	require.NoError(w.t, err)
	return rec, ok
}

func (w *simWorld) pendingOps(c *simClient, kind, id string) []core.Op {
	ops, err := c.store.Outbox(w.ctx(), 0)
	require.NoError(w.t, err)
	var out []core.Op
	for _, o := range ops {
		if o.Kind == kind && o.EntityID == id {
			out = append(out, o)
		}
	}
	return out
}

// quiet turns faults (and users acting during syncs) off and syncs every client until nothing is pending and a whole round
// changed nothing on the server.
func (w *simWorld) quiet() {
	w.faults.Store(false)
	for _, c := range w.clients {
		w.retryParked(c)
	}
	for round := 0; round < 10; round++ {
		before := w.serverState()
		pending := 0
		for _, c := range w.clients {
			st, err := c.eng.Sync(w.ctx(), core.SyncOptions{})
			require.NoError(w.t, err, "quiet round %d, %s", round, c.name)
			ops, err := c.store.Outbox(w.ctx(), 0)
			require.NoError(w.t, err)
			pending += len(ops)
			w.logf("quiet round %d: %s sync %+v, pending %v", round, c.name, st, simOpNames(ops))
		}
		if pending == 0 && round > 0 && before == w.serverState() {
			return
		}
	}
	require.Fail(w.t, "no quiet state after 10 rounds of syncs without faults")
}

// serverState renders every server record, for "did anything change" comparisons.
func (w *simWorld) serverState() string {
	var b strings.Builder
	for _, k := range simKinds {
		for _, r := range w.srv.Records(k) {
			fmt.Fprintf(&b, "%s/%s@%s del=%v %s\n", k, r.ID, r.UpdatedAt, r.Deleted, r.Data)
		}
	}
	return b.String()
}

func (w *simWorld) logf(format string, args ...any) {
	w.trace = append(w.trace, fmt.Sprintf("step %d: ", w.step)+fmt.Sprintf(format, args...))
}

// dumpTrace writes the whole trace to -sim.trace, when given.
func (w *simWorld) dumpTrace() {
	if *simTrace == "" {
		return
	}
	if err := os.WriteFile(*simTrace, []byte(strings.Join(w.trace, "\n")+"\n"), 0o644); err != nil {
		w.t.Logf("writing the trace: %v", err)
	}
}

// history is the trace lines that mention kind/id.
func (w *simWorld) history(kind, id string) string {
	var b strings.Builder
	for _, line := range w.trace {
		if strings.Contains(line, kind+"/"+id+" ") {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

func simOpNames(ops []core.Op) []string {
	out := make([]string, len(ops))
	for i, o := range ops {
		out[i] = fmt.Sprintf("%s %s %s/%s base=%q inflight=%v attempt=%d", o.OpID, o.Type, o.Kind, o.EntityID, o.BaseUpdatedAt, o.InFlight, o.Attempt)
	}
	return out
}

func simDecode(t *testing.T, data core.RawJSON) map[string]any {
	t.Helper()
	m := map[string]any{}
	require.NoError(t, json.Unmarshal(data, &m))
	return m
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// dueChanged notes that the values c wrote in data's changed fields (for tags, the tag it
// added) are due on the server.
func (w *simWorld) dueChanged(c *simClient, kind, id string, data map[string]any, changed []string) {
	for _, f := range changed {
		if f == "tags" {
			tags := data["tags"].([]any)
			w.due(c, kind, id, "tags[]", tags[len(tags)-1].(string))
			continue
		}
		w.due(c, kind, id, f, data[f].(string))
	}
}
