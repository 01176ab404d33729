// Command wasm is sync.wasm: the thin syscall/js bridge between the JavaScript package (js/)
// and core. It owns no sync logic: it decodes arguments, calls the core.Engine, encodes
// results and returns Promises.
//
// On start it hands its API object to globalThis.__offsyncInit (set by offsync.js before
// running the program) or, when that is absent, publishes it as globalThis.__offsync. The API
// has one method, open(optionsJSON, callbacks) → Promise<client>. Records and batches cross
// the boundary as JSON strings; every client method returns a Promise and does its work in
// a goroutine, because blocking inside a js.FuncOf callback kills the Go program.
package main

import "syscall/js"

func main() {
	open := js.FuncOf(openFunc)
	api := js.Global().Get("Object").New()
	api.Set("open", open)
	api.Set("version", "1")
	if init := js.Global().Get("__offsyncInit"); init.Type() == js.TypeFunction {
		init.Invoke(api)
	} else {
		js.Global().Set("__offsync", api)
	}
	// The program must stay alive to serve callbacks: open is never released.
	select {}
}
