// Shared by the sync tests over real sockets: a records file with statements waiting, an LRS
// config for a test peer, and answers a conformant LRS would give.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "http_peer.h"
#include "kiosk/store/store.h"
#include "kiosk/sync/config.h"
#include "store_test_util.h"

namespace posdrill::test {

// A fresh records file with operator 101 and one open attempt whose begin queued `statements`
// statements (ids "s-1" … "s-N", tiny valid bodies).
std::unique_ptr<SqliteStore> store_with_statements(const std::filesystem::path& file, int statements);

// Key and secret set, short time-outs and backoff, batches of `batch`.
LrsConfig lrs_config(const std::string& endpoint, int batch = 50);

// An LRS that takes every POST (answering the ids sent, in order) and has no statements to GET.
HttpPeer::Handler ok_lrs();

// The ids of a POSTed statement array, in order (empty when the body is not one).
std::vector<std::string> posted_ids(const std::string& body);
// A conformant LRS's answer to that POST: the JSON array of those ids.
std::string ids_answer(const std::string& posted_body);

// A certification statement (verb passed, object a track under the default base IRI) for
// `employee_id`, as another kiosk would have sent it.
std::string certification_json(const std::string& id, const std::string& employee_id);

}  // namespace posdrill::test
