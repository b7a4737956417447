// A countdown SQLite VFS for the fault tests, in the manner of SQLite's own test VFS: a shim over
// the system's default VFS that lets reads or writes through until a countdown runs out, then
// fails the next one (and, when persistent, every one after it) the way a failing or full disk
// would. It counts only the database, its WAL and its rollback journal (the -shm index is shared
// memory, not file I/O).
//
// Constructing a FaultVfs makes it SQLite's default VFS for the process, so the store (which
// opens with the default) goes through it; destroying it restores the previous default. One at a
// time; test code only.
#pragma once

#include <atomic>

struct sqlite3_vfs;

namespace posdrill::store_test {

class FaultVfs {
 public:
  enum class Op { read, write };  // write: xWrite, xTruncate and xSync

  FaultVfs();
  ~FaultVfs();
  FaultVfs(const FaultVfs&) = delete;
  FaultVfs& operator=(const FaultVfs&) = delete;

  // After `countdown` more operations of kind `op` succeed, fail the next one; with `persistent`,
  // also every one after it until disarm(). Writes fail as a full disk (SQLITE_FULL), reads as an
  // I/O error (SQLITE_IOERR_READ). Resets the counters.
  void arm(Op op, int countdown, bool persistent);
  void disarm();

  int faults() const { return faults_; }  // injected since arm()
  int reads() const { return reads_; }    // operations seen since arm() (or construction)
  int writes() const { return writes_; }

  // For the shim's callbacks: whether this operation fails.
  bool fail_now(Op op);

 private:
  sqlite3_vfs* vfs_ = nullptr;       // ours
  sqlite3_vfs* previous_ = nullptr;  // the default before us
  std::atomic<bool> armed_{false}, persistent_{false};
  std::atomic<Op> op_{Op::read};
  std::atomic<int> countdown_{0}, faults_{0}, reads_{0}, writes_{0};
};

}  // namespace posdrill::store_test
