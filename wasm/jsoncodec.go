package main

import (
	"errors"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/core/wire"
	"github.com/offsync/offsync/internal/jsonv"
	"github.com/offsync/offsync/internal/sortx"
)

// The bridge's JSON, written and read by hand in the shapes JS-API.md gives (docs/DESIGN.md,
// "No encoding/json in sync.wasm"); jsoncodec_test.go compares it with encoding/json on the
// same types' tags.

// errBadJSON says a document the engine holds is not JSON (json.Marshal refused those too).
var errBadJSON = errors.New("a stored document is not valid JSON")

// checkRaw refuses documents that are not JSON: they would reach JSON.parse otherwise.
func checkRaw(docs ...[]byte) error {
	for _, d := range docs {
		if len(d) > 0 && jsonv.Check(d) != nil {
			return errBadJSON
		}
	}
	return nil
}

// marshal writes a method's result as JSON.
func marshal(v any) (any, error) {
	var b []byte
	var err error
	switch x := v.(type) {
	case core.Status:
		b = wire.AppendStatus(nil, x)
	case core.Stats:
		b = wire.AppendStats(nil, x)
	case core.Op:
		err = checkRaw(x.Payload)
		b = wire.AppendOp(nil, x)
	case []core.Op:
		for _, o := range x {
			err = errors.Join(err, checkRaw(o.Payload))
		}
		b = jsonv.AppendList(nil, x, wire.AppendOp)
	case []core.Conflict:
		for _, c := range x {
			err = errors.Join(err, checkRaw(c.Local, c.Server))
		}
		b = jsonv.AppendList(nil, x, wire.AppendConflict)
	case []core.ParkedOp:
		for _, p := range x {
			err = errors.Join(err, checkRaw(p.Op.Payload))
		}
		b = jsonv.AppendList(nil, x, wire.AppendParkedOp)
	case []core.SetAside:
		b = jsonv.AppendList(nil, x, func(b []byte, s core.SetAside) []byte { return s.AppendJSON(b) })
	case map[string]core.Cursor:
		b = appendCursors(nil, x)
	default:
		err = errors.New("no encoder for this result")
	}
	if err != nil {
		return nil, core.Wrap(core.CodeProtocol, "encode", err)
	}
	return string(b), nil
}

// appendCursors writes {kind: {updatedAt, id}} with the kinds sorted, as json.Marshal.
func appendCursors(b []byte, m map[string]core.Cursor) []byte {
	if m == nil {
		return append(b, "null"...)
	}
	kinds := make([]string, 0, len(m))
	for k := range m {
		kinds = append(kinds, k)
	}
	sortx.Strings(kinds)
	b = append(b, '{')
	for i, k := range kinds {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(jsonv.AppendString(b, k), ':')
		w := jsonv.Open(b)
		w.Str("updatedAt", m[k].UpdatedAt)
		w.Str("id", m[k].ID)
		b = w.Close()
	}
	return append(b, '}')
}

// decodeArg decodes a JSON-string argument into dst, one of the argument shapes the bridge takes.
func decodeArg(s string, dst any) error {
	b := []byte(s)
	if err := jsonv.Check(b); err != nil {
		return err
	}
	switch x := dst.(type) {
	case *[]string:
		return jsonv.Strings(b, x)
	case *core.Op:
		return wire.DecodeOp(b, x)
	case *core.Resolution:
		return wire.DecodeResolution(b, x)
	case *syncArgs:
		return jsonv.Members(b, func(k string, v []byte) error {
			switch {
			case jsonv.Key(k, "kinds"):
				return jsonv.Strings(v, &x.Kinds)
			case jsonv.Key(k, "pushKinds"):
				return jsonv.Strings(v, &x.PushKinds)
			case jsonv.Key(k, "pullKinds"):
				return jsonv.Strings(v, &x.PullKinds)
			}
			return nil
		})
	case *options:
		return decodeOptions(b, x)
	}
	panic("wasm: decodeArg has no decoder for this type") // a programming error the bridge tests meet
}

// syncArgs is sync()'s options as offsync.js serialises them (JS-API.md names): an absent
// list is nil, [] an empty one.
type syncArgs struct {
	Kinds     []string `json:"kinds"`
	PushKinds []string `json:"pushKinds"`
	PullKinds []string `json:"pullKinds"`
}

// options is open()'s options object as offsync.js serialises it (JS-API.md names; the
// callbacks travel separately as functions).
type options struct {
	Name                 string                 `json:"name"`
	BaseURL              string                 `json:"baseUrl"`
	Kinds                []string               `json:"kinds"`
	Storage              string                 `json:"storage"`
	ConflictStrategy     core.Strategy          `json:"conflictStrategy"`
	TableConflictConfigs map[string]tableConfig `json:"tableConflictConfigs"`
	PageSize             int                    `json:"pageSize"`
	PushBatchSize        int                    `json:"pushBatchSize"`
	PushConcurrency      int                    `json:"pushConcurrency"`
	PullConcurrency      int                    `json:"pullConcurrency"`
	MaxRetries           *int                   `json:"maxRetries"`
	MaxConflictRetries   *int                   `json:"maxConflictRetries"`
	BackoffMinMs         *float64               `json:"backoffMinMs"`
	BackoffMaxMs         *float64               `json:"backoffMaxMs"`
	FullResyncIntervalMs *float64               `json:"fullResyncIntervalMs"`
	UserAgent            string                 `json:"userAgent"`
	RequestTimeoutMs     *float64               `json:"requestTimeoutMs"`
	Durability           string                 `json:"durability"`
	// Indexes is {kind: [field | [field, ...]]} (core.ParseIndexes); parsed into indexes.
	Indexes core.RawJSON `json:"indexes"`
	indexes map[string][]core.IndexSpec
}

// tableConfig is one kind's tableConflictConfigs entry; its conflictResolver and mergeFunction
// travel as callbacks (kindResolve, kindMerge).
type tableConfig struct {
	Strategy core.Strategy `json:"strategy"` // "" takes conflictStrategy (the seed's)
}

// decodeOptions decodes the valid JSON b into o as json.Unmarshal would.
func decodeOptions(b []byte, o *options) error {
	return jsonv.Members(b, func(k string, v []byte) error {
		switch {
		case jsonv.Key(k, "name"):
			return jsonv.String(v, &o.Name)
		case jsonv.Key(k, "baseUrl"):
			return jsonv.String(v, &o.BaseURL)
		case jsonv.Key(k, "kinds"):
			return jsonv.Strings(v, &o.Kinds)
		case jsonv.Key(k, "storage"):
			return jsonv.String(v, &o.Storage)
		case jsonv.Key(k, "conflictStrategy"):
			return jsonv.String(v, (*string)(&o.ConflictStrategy))
		case jsonv.Key(k, "tableConflictConfigs"):
			return decodeTableConfigs(v, &o.TableConflictConfigs)
		case jsonv.Key(k, "pageSize"):
			return jsonv.IntOf(v, &o.PageSize)
		case jsonv.Key(k, "pushBatchSize"):
			return jsonv.IntOf(v, &o.PushBatchSize)
		case jsonv.Key(k, "pushConcurrency"):
			return jsonv.IntOf(v, &o.PushConcurrency)
		case jsonv.Key(k, "pullConcurrency"):
			return jsonv.IntOf(v, &o.PullConcurrency)
		case jsonv.Key(k, "maxRetries"):
			return optional(v, &o.MaxRetries, jsonv.IntOf[int])
		case jsonv.Key(k, "maxConflictRetries"):
			return optional(v, &o.MaxConflictRetries, jsonv.IntOf[int])
		case jsonv.Key(k, "backoffMinMs"):
			return optional(v, &o.BackoffMinMs, jsonv.Float)
		case jsonv.Key(k, "backoffMaxMs"):
			return optional(v, &o.BackoffMaxMs, jsonv.Float)
		case jsonv.Key(k, "fullResyncIntervalMs"):
			return optional(v, &o.FullResyncIntervalMs, jsonv.Float)
		case jsonv.Key(k, "userAgent"):
			return jsonv.String(v, &o.UserAgent)
		case jsonv.Key(k, "requestTimeoutMs"):
			return optional(v, &o.RequestTimeoutMs, jsonv.Float)
		case jsonv.Key(k, "durability"):
			return jsonv.String(v, &o.Durability)
		case jsonv.Key(k, "indexes"):
			return jsonv.Raw(v, (*[]byte)(&o.Indexes))
		}
		return nil
	})
}

// optional decodes a pointer field as json.Unmarshal: null is nil, a value a new one.
func optional[T any](v []byte, p **T, dec func([]byte, *T) error) error {
	if jsonv.IsNull(v) {
		*p = nil
		return nil
	}
	x := new(T)
	if err := dec(v, x); err != nil {
		return err
	}
	*p = x
	return nil
}

// decodeTableConfigs decodes {kind: {strategy}} as json.Unmarshal into a map (keys exact; null
// clears; each entry decoded fresh; an existing map is added to).
func decodeTableConfigs(v []byte, m *map[string]tableConfig) error {
	if jsonv.IsNull(v) {
		*m = nil
		return nil
	}
	if jsonv.Kind(v) != "object" {
		return &jsonv.TypeError{Field: "tableConflictConfigs", Want: "object", Got: jsonv.Kind(v)}
	}
	if *m == nil {
		*m = map[string]tableConfig{}
	}
	return jsonv.Members(v, func(kind string, e []byte) error {
		var t tableConfig
		err := jsonv.Members(e, func(k string, v []byte) error {
			if jsonv.Key(k, "strategy") {
				return jsonv.String(v, (*string)(&t.Strategy))
			}
			return nil
		})
		(*m)[kind] = t
		return err
	})
}
