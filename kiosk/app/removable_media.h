// Where a removable drive (a USB stick) is mounted, so the console can put its CSV export there.
//
// Desktop Linux mounts a stick at /media/USER/LABEL (udisks2 on Debian) or /run/media/USER/LABEL
// (other distributions); a kiosk with usbmount uses /media/usb0. The drives are the mount points
// listed in /proc/self/mountinfo whose parent folder is one of those roots.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace posdrill {

// The mount points in `mountinfo` (the text of /proc/self/mountinfo: the fifth field of each
// line, with the kernel's \040-style escapes undone) whose parent is one of `roots`, in the
// order listed.
std::vector<std::filesystem::path> removable_drives(std::string_view mountinfo,
                                                    const std::vector<std::filesystem::path>& roots);

// The roots a stick is mounted under for `user` ("" leaves the per-user ones out).
std::vector<std::filesystem::path> default_media_roots(const std::string& user);

}  // namespace posdrill
