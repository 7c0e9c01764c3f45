// Package handlers is the web panel: the one route table (routes.go), the
// middleware every request passes, and the files of each resource, split by
// action (products_list.go, products_show.go, products_write.go, ...).
// Handlers read input, call one store or API method, and render; rules live
// below them.
//
// Every handler speaks the same vocabulary:
//
//   - request (requestOf(c)): the per-request value built once by loadVisit:
//     the person, rq.Can(permission) (computed in one place, viewer.Can),
//     rq.CSRF(), the request id, the address and the clock. View builders,
//     the audit log (Auditor.Record) and the write path (writer.Do) take it
//     instead of echo.Context, so builders are plain, unit-tested functions.
//   - paths (h.paths.Product(id), ...): every link and form action, built
//     from the route table's names with echo's Reverse; templates get URLs
//     in their view models. checkPaths stops the build on a helper naming no
//     route, and a test walks every page for links that match none.
//   - listState (readList, listing.go): one URL vocabulary for paged lists
//     (page, size, sort, dir; the old pagesize and sort_dir read as aliases),
//     with Head, Pager, SizeOptions and one htmx fragment protocol
//     (listFragment).
//   - Write (write.go): one change, carrying the typed params it sends
//     (Send: send(h.api.UpdateProduct, params) or sendID); the audit log and
//     the idempotency fingerprint are encoded from exactly those params
//     (apiclient.EncodeParams). Before values come from one ...Before
//     function per resource; the form key from formKeyOf(c).
//   - Outcome: the one policy after a write that did not succeed:
//     out.Status() (422 refused, 502 failed, 504 unknown), out.Message(),
//     out.ApplyTo(errs, fields).
//   - confirmed (resource.go): a write made from a confirmation page
//     (components.ConfirmPage), shown by showConfirmation and sent by
//     sendConfirmed.
//   - resource[API]: the shape every API-backed handler embeds: the web
//     parts, the write path and its own small API interface.
package handlers
