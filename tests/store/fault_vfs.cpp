// FaultVfs (fault_vfs.h): a sqlite3_vfs whose files wrap the default VFS's files. Every method
// forwards to the real file; xRead, xWrite, xTruncate and xSync ask the countdown first.

#include "fault_vfs.h"

#include <sqlite3.h>

#include <cstdlib>
#include <cstring>
#include <memory>

namespace posdrill::store_test {

namespace {

FaultVfs* active = nullptr;  // the one FaultVfs alive (callbacks reach it through here)

// Our file: SQLite allocates szOsFile bytes for it; the real VFS's file follows our header.
struct ShimFile {
  sqlite3_file base;   // must come first: SQLite sees a sqlite3_file*
  sqlite3_file* real;  // points just past this struct
  bool counted;        // the database, its WAL or journal (not temp files)
};

sqlite3_file* real_of(sqlite3_file* f) { return reinterpret_cast<ShimFile*>(f)->real; }
bool counted(sqlite3_file* f) { return reinterpret_cast<ShimFile*>(f)->counted; }

int shim_close(sqlite3_file* f) {
  sqlite3_file* r = real_of(f);
  const int rc = r->pMethods ? r->pMethods->xClose(r) : SQLITE_OK;
  f->pMethods = nullptr;
  return rc;
}
int shim_read(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  if (counted(f) && active && active->fail_now(FaultVfs::Op::read)) return SQLITE_IOERR_READ;
  return real_of(f)->pMethods->xRead(real_of(f), buf, n, off);
}
int shim_write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  if (counted(f) && active && active->fail_now(FaultVfs::Op::write)) return SQLITE_FULL;
  return real_of(f)->pMethods->xWrite(real_of(f), buf, n, off);
}
int shim_truncate(sqlite3_file* f, sqlite3_int64 size) {
  if (counted(f) && active && active->fail_now(FaultVfs::Op::write)) return SQLITE_IOERR_TRUNCATE;
  return real_of(f)->pMethods->xTruncate(real_of(f), size);
}
int shim_sync(sqlite3_file* f, int flags) {
  if (counted(f) && active && active->fail_now(FaultVfs::Op::write)) return SQLITE_IOERR_FSYNC;
  return real_of(f)->pMethods->xSync(real_of(f), flags);
}
int shim_size(sqlite3_file* f, sqlite3_int64* size) { return real_of(f)->pMethods->xFileSize(real_of(f), size); }
int shim_lock(sqlite3_file* f, int level) { return real_of(f)->pMethods->xLock(real_of(f), level); }
int shim_unlock(sqlite3_file* f, int level) { return real_of(f)->pMethods->xUnlock(real_of(f), level); }
int shim_reserved(sqlite3_file* f, int* out) { return real_of(f)->pMethods->xCheckReservedLock(real_of(f), out); }
int shim_control(sqlite3_file* f, int op, void* arg) { return real_of(f)->pMethods->xFileControl(real_of(f), op, arg); }
int shim_sector(sqlite3_file* f) { return real_of(f)->pMethods->xSectorSize(real_of(f)); }
int shim_device(sqlite3_file* f) { return real_of(f)->pMethods->xDeviceCharacteristics(real_of(f)); }
int shim_shm_map(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  return real_of(f)->pMethods->xShmMap(real_of(f), page, size, extend, out);
}
int shim_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  return real_of(f)->pMethods->xShmLock(real_of(f), offset, n, flags);
}
void shim_shm_barrier(sqlite3_file* f) { real_of(f)->pMethods->xShmBarrier(real_of(f)); }
int shim_shm_unmap(sqlite3_file* f, int drop) { return real_of(f)->pMethods->xShmUnmap(real_of(f), drop); }

// Version 2: the WAL's shared-memory methods, but no xFetch, so SQLite never reads pages through
// a memory map that would bypass xRead.
const sqlite3_io_methods shim_methods = {
    2,           shim_close,   shim_read,     shim_write,       shim_truncate,  shim_sync,
    shim_size,   shim_lock,    shim_unlock,   shim_reserved,    shim_control,   shim_sector,
    shim_device, shim_shm_map, shim_shm_lock, shim_shm_barrier, shim_shm_unmap, nullptr,
    nullptr,
};

sqlite3_vfs* real_vfs(sqlite3_vfs* shim) { return static_cast<sqlite3_vfs*>(shim->pAppData); }

int shim_open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  auto* s = reinterpret_cast<ShimFile*>(file);
  s->real = reinterpret_cast<sqlite3_file*>(s + 1);
  s->counted = (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_JOURNAL)) != 0;
  std::memset(s->real, 0, std::size_t(real_vfs(vfs)->szOsFile));
  const int rc = real_vfs(vfs)->xOpen(real_vfs(vfs), name, s->real, flags, out_flags);
  // Without methods SQLite will not call xClose on a file that failed to open.
  file->pMethods = s->real->pMethods ? &shim_methods : nullptr;
  return rc;
}
int shim_delete(sqlite3_vfs* v, const char* n, int sync) { return real_vfs(v)->xDelete(real_vfs(v), n, sync); }
int shim_access(sqlite3_vfs* v, const char* n, int flags, int* out) {
  return real_vfs(v)->xAccess(real_vfs(v), n, flags, out);
}
int shim_full(sqlite3_vfs* v, const char* n, int size, char* out) {
  return real_vfs(v)->xFullPathname(real_vfs(v), n, size, out);
}
void* shim_dlopen(sqlite3_vfs* v, const char* n) { return real_vfs(v)->xDlOpen(real_vfs(v), n); }
void shim_dlerror(sqlite3_vfs* v, int n, char* out) { real_vfs(v)->xDlError(real_vfs(v), n, out); }
void (*shim_dlsym(sqlite3_vfs* v, void* h, const char* s))(void) { return real_vfs(v)->xDlSym(real_vfs(v), h, s); }
void shim_dlclose(sqlite3_vfs* v, void* h) { real_vfs(v)->xDlClose(real_vfs(v), h); }
int shim_random(sqlite3_vfs* v, int n, char* out) { return real_vfs(v)->xRandomness(real_vfs(v), n, out); }
int shim_sleep(sqlite3_vfs* v, int us) { return real_vfs(v)->xSleep(real_vfs(v), us); }
int shim_time(sqlite3_vfs* v, double* out) { return real_vfs(v)->xCurrentTime(real_vfs(v), out); }
int shim_last_error(sqlite3_vfs* v, int n, char* out) {
  return real_vfs(v)->xGetLastError ? real_vfs(v)->xGetLastError(real_vfs(v), n, out) : 0;
}
int shim_time64(sqlite3_vfs* v, sqlite3_int64* out) { return real_vfs(v)->xCurrentTimeInt64(real_vfs(v), out); }

}  // namespace

FaultVfs::FaultVfs() {
  sqlite3_initialize();
  previous_ = sqlite3_vfs_find(nullptr);
  vfs_ = new sqlite3_vfs{};
  vfs_->iVersion = 2;
  vfs_->szOsFile = int(sizeof(ShimFile)) + previous_->szOsFile;
  vfs_->mxPathname = previous_->mxPathname;
  vfs_->zName = "posdrill-fault";
  vfs_->pAppData = previous_;
  vfs_->xOpen = shim_open;
  vfs_->xDelete = shim_delete;
  vfs_->xAccess = shim_access;
  vfs_->xFullPathname = shim_full;
  vfs_->xDlOpen = shim_dlopen;
  vfs_->xDlError = shim_dlerror;
  vfs_->xDlSym = shim_dlsym;
  vfs_->xDlClose = shim_dlclose;
  vfs_->xRandomness = shim_random;
  vfs_->xSleep = shim_sleep;
  vfs_->xCurrentTime = shim_time;
  vfs_->xGetLastError = shim_last_error;
  vfs_->xCurrentTimeInt64 = shim_time64;
  active = this;
  if (sqlite3_vfs_register(vfs_, 1) != SQLITE_OK) std::abort();
}

FaultVfs::~FaultVfs() {
  sqlite3_vfs_unregister(vfs_);
  sqlite3_vfs_register(previous_, 1);  // the default again
  active = nullptr;
  delete vfs_;
}

void FaultVfs::arm(Op op, int countdown, bool persistent) {
  op_ = op;
  countdown_ = countdown;
  persistent_ = persistent;
  faults_ = reads_ = writes_ = 0;
  armed_ = true;
}

void FaultVfs::disarm() { armed_ = false; }

bool FaultVfs::fail_now(Op op) {
  (op == Op::read ? reads_ : writes_)++;
  if (!armed_ || op != op_) return false;
  if (countdown_ > 0) {
    --countdown_;
    return false;
  }
  ++faults_;
  if (!persistent_) armed_ = false;  // one fault, then the disk works again
  return true;
}

}  // namespace posdrill::store_test
