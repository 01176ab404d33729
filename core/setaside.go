package core

import (
	"context"

	"github.com/offsync/offsync/internal/jsonv"
)

// One bad item must not stop a kind's sync for good (CONTRACT.md "Client-side handling of
// responses"): a pulled item that fails validation is set aside with its reason, reported as
// an "error" event, and the cursor moves past it; a later valid version of its record is
// applied as usual. The list lives in Store.Meta, written before the page it comes from is
// applied, so a crash in between loses nothing (the page is pulled again and its items set
// aside again, once: entries are unique).

// metaSetAside is the Meta key of the set-aside list (JSON array of SetAside, oldest first).
const metaSetAside = "setAside"

// maxSetAside bounds the list: past it the oldest entries go, so a server sending bad items
// without end cannot fill the store.
const maxSetAside = 1000

// SetAside is a pulled item that was not applied because it failed validation.
type SetAside struct {
	Kind      string `json:"kind"`
	ID        string `json:"id"`        // "" when the item had no usable id
	UpdatedAt string `json:"updatedAt"` // the item's version; "" when it had none
	Reason    string `json:"reason"`
	SeenAtMs  int64  `json:"seenAt"` // device time it was first set aside, Unix ms
}

// same reports whether two entries stand for the same bad item.
func (s SetAside) same(o SetAside) bool {
	return s.Kind == o.Kind && s.ID == o.ID && s.UpdatedAt == o.UpdatedAt && s.Reason == o.Reason
}

func (e *Engine) setAsideList(ctx context.Context) ([]SetAside, error) {
	v, ok, err := e.cfg.Store.Meta(ctx, metaSetAside)
	if err != nil || !ok {
		return nil, Wrap(CodeStorage, "set aside", err)
	}
	list, err := decodeList([]byte(v), decodeSetAside)
	if err != nil {
		return nil, Errorf(CodeStorage, "set aside", "stored list is unreadable: %w", err)
	}
	return list, nil
}

// addSetAside adds items to the stored list (the oldest go past maxSetAside) in one
// read-modify-write under setAsideMu, and returns those it did not hold yet.
func (e *Engine) addSetAside(ctx context.Context, items []SetAside) ([]SetAside, error) {
	e.setAsideMu.Lock()
	defer e.setAsideMu.Unlock()
	list, err := e.setAsideList(ctx)
	if err != nil {
		return nil, err
	}
	n := len(list)
	for _, it := range items {
		known := false
		for _, old := range list {
			if old.same(it) {
				known = true
				break
			}
		}
		if !known {
			list = append(list, it)
		}
	}
	added := list[n:]
	if len(added) == 0 {
		return nil, nil
	}
	b := jsonv.AppendList(nil, list[max(0, len(list)-maxSetAside):], func(b []byte, s SetAside) []byte { return s.AppendJSON(b) })
	if err := e.cfg.Store.SetMeta(ctx, metaSetAside, string(b)); err != nil {
		return nil, Wrap(CodeStorage, "set aside", err)
	}
	return added, nil
}

// SetAside lists the pulled items set aside because they failed validation, oldest first,
// leaving out those whose record has since been applied in a later version.
func (e *Engine) SetAside(ctx context.Context) ([]SetAside, error) {
	if err := e.usable("setAside", ""); err != nil {
		return nil, err
	}
	list, err := e.setAsideList(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]SetAside, 0, len(list))
	for _, s := range list {
		if ValidKind(s.Kind) && ValidID(s.ID) {
			local, ok, err := e.cfg.Store.Get(ctx, s.Kind, s.ID)
			if err != nil {
				return nil, Wrap(CodeStorage, "setAside", err)
			}
			if ok && versionOlder(s.UpdatedAt, local.UpdatedAt) {
				continue
			}
		}
		out = append(out, s)
	}
	return out, nil
}

// reportSetAside emits one "error" event per item newly set aside and counts them in the run's
// errors (an item met again, e.g. after a crash or a full resync, is not reported twice).
func (e *Engine) reportSetAside(st *runState, items []SetAside) {
	st.count(func(s *Stats) { s.Errors += len(items) })
	for _, it := range items {
		err := Errorf(CodeProtocol, "pull "+it.Kind, "item %q (version %q) set aside: %s", it.ID, it.UpdatedAt, it.Reason)
		ev := Event{Type: EventError, Kind: it.Kind, Err: err}
		if it.ID != "" {
			ev.IDs = []string{it.ID}
		}
		e.emit(ev)
	}
}
