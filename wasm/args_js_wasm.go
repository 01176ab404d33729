package main

import (
	"syscall/js"

	"github.com/offsync/offsync/core"
)

// Argument decoding happens synchronously inside the dispatcher callback (it only reads
// values), so the goroutine that does the work holds plain Go values.

func stringArg(args []js.Value, i int, name string) (string, error) {
	v := arg(args, i)
	if v.Type() != js.TypeString {
		return "", core.Errorf(core.CodeInvalid, name, "must be a string, got %s", v.Type().String())
	}
	return v.String(), nil
}

// jsonArg decodes a JSON-string argument into dst; an absent argument leaves dst unchanged
// and reports false.
func jsonArg(args []js.Value, i int, name string, dst any) (bool, error) {
	v := arg(args, i)
	if v.Type() == js.TypeUndefined || v.Type() == js.TypeNull {
		return false, nil
	}
	s, err := stringArg(args, i, name)
	if err != nil {
		return false, err
	}
	if err := decodeArg(s, dst); err != nil {
		return false, core.Errorf(core.CodeInvalid, name, "bad JSON: %w", err)
	}
	return true, nil
}

// jsonList joins raw JSON values into one JSON array without re-encoding them.
func jsonList(items []core.RawJSON) string {
	n := 2
	for _, it := range items {
		n += len(it) + 1
	}
	b := make([]byte, 0, n)
	b = append(b, '[')
	for i, it := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, it...)
	}
	return string(append(b, ']'))
}

func recordsJSON(recs []core.Record) string {
	items := make([]core.RawJSON, len(recs))
	for i, r := range recs {
		items[i] = r.Data
	}
	return jsonList(items)
}
