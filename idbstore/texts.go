//go:build js && wasm

package idbstore

import (
	"bytes"
	"context"
	"syscall/js"

	"github.com/offsync/offsync/core"
)

type textsKey struct{}

// callTexts are the JSON texts of a call's records as JavaScript holds them, one per write of
// the call's WriteLocal, in order: an array of strings, or of {text, utf8} with the text's
// UTF-8 too (putMany: offsync.js arrayUTF8), which a row stored as bytes takes as it is.
type callTexts struct {
	parts js.Value
	n     int
}

// WithTexts returns a context that hands a WriteLocal of n writes (putMany's records, in
// order) parts[i], their JSON text in JavaScript (what the app's records stringified to, the
// bytes Go has; callTexts). A row whose data is its write's record, byte for byte, then crosses
// to H.flush as the number of its text, which the helper takes from parts, instead of a copy of
// the data: for large records, decoding the framed rows back into JavaScript strings was a
// twentieth of a putMany (docs/DESIGN.md "IndexedDB store"). A call with another number of
// writes ignores them.
func WithTexts(ctx context.Context, parts js.Value, n int) context.Context {
	return context.WithValue(ctx, textsKey{}, callTexts{parts, n})
}

// textRef is a write's number among the call's texts and its data.
type textRef struct {
	i    int
	data core.RawJSON
}

// writeTexts maps the entities of writes to their last write's text, when ctx has texts for
// them (WithTexts); nil otherwise.
func writeTexts(ctx context.Context, writes []core.LocalWrite) (js.Value, map[entityKey]textRef) {
	ct, ok := ctx.Value(textsKey{}).(callTexts)
	if !ok || ct.n != len(writes) {
		return js.Undefined(), nil
	}
	m := make(map[entityKey]textRef, len(writes))
	for i, w := range writes {
		if !w.Delete {
			m[entityKey{w.Kind, w.ID}] = textRef{i, w.Data}
		} else {
			delete(m, entityKey{w.Kind, w.ID})
		}
	}
	return ct.parts, m
}

// textOf is the number of the text that is rec's data (k's row), -1 when none is.
func (es *entities) textOf(k entityKey, rec *core.Record) int {
	if r, ok := es.texts[k]; ok && rec != nil && !rec.Deleted && bytes.Equal(rec.Data, r.data) {
		return r.i
	}
	return -1
}
