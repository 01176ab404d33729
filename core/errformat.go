package core

import "strconv"

// errFormat formats an error message with the verbs this module's messages use — %s, %v, %d,
// %q, %w and %% — on strings, errors, Stringers, integers and booleans, as fmt.Sprintf
// would, and returns the operand of the only %w (nil when there is none or several, as
// errors.Unwrap on fmt.Errorf's error). fmt is not used: with reflect it costs sync.wasm
// ~100 KB gzip (docs/DESIGN.md, "No encoding/json in sync.wasm").
func errFormat(format string, args []any) (string, error) {
	var b []byte
	var wrapped error
	nw, n := 0, 0
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			b = append(b, c)
			continue
		}
		if i+1 == len(format) {
			b = append(b, "%!(NOVERB)"...)
			continue
		}
		i++
		verb := format[i]
		if verb == '%' {
			b = append(b, '%')
			continue
		}
		if n >= len(args) {
			b = append(b, "%!"...)
			b = append(b, verb)
			b = append(b, "(MISSING)"...)
			continue
		}
		a := args[n]
		n++
		if verb == 'w' {
			nw++
			wrapped, _ = a.(error)
		}
		b = appendArg(b, verb, a)
	}
	if n < len(args) {
		b = append(b, "%!(EXTRA)"...)
	}
	if nw != 1 {
		wrapped = nil
	}
	return string(b), wrapped
}

// appendArg appends one operand as fmt would for verb.
func appendArg(b []byte, verb byte, a any) []byte {
	var s string
	switch x := a.(type) {
	case nil:
		if verb == 'v' {
			return append(b, "<nil>"...)
		}
		return append(b, "%!"+string(verb)+"(<nil>)"...)
	case error:
		s = x.Error()
	case interface{ String() string }:
		s = x.String()
	case string:
		s = x
	case Code:
		s = string(x)
	case OpType:
		s = string(x)
	case EventType:
		s = string(x)
	case CondOp:
		s = string(x)
	case Strategy:
		s = string(x)
	case Action:
		s = string(x)
	case ValueTag:
		return appendInt(b, verb, int64(x))
	case runMode:
		return appendInt(b, verb, int64(x))
	case bool:
		s = strconv.FormatBool(x)
	case int:
		return appendInt(b, verb, int64(x))
	case int32:
		return appendInt(b, verb, int64(x))
	case int64:
		return appendInt(b, verb, x)
	case uint32:
		return appendInt(b, verb, int64(x))
	case uint64:
		if verb == 'd' || verb == 'v' {
			return strconv.AppendUint(b, x, 10)
		}
		return append(b, "%!"+string(verb)+"(uint64)"...)
	default:
		return append(b, "%!"+string(verb)+"(?)"...)
	}
	switch verb {
	case 's', 'v', 'w':
		return append(b, s...)
	case 'q':
		return strconv.AppendQuote(b, s)
	}
	return append(b, "%!"+string(verb)+"(string="+s+")"...)
}

func appendInt(b []byte, verb byte, n int64) []byte {
	if verb == 'd' || verb == 'v' {
		return strconv.AppendInt(b, n, 10)
	}
	return append(b, "%!"+string(verb)+"(int="+strconv.FormatInt(n, 10)+")"...)
}
