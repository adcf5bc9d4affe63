#pragma once
// An NBD server (fixed newstyle handshake, simple replies) over one
// connected stream socket, exporting lun_devices by name. Facts from the
// NBD protocol (NetworkBlockDevice/nbd doc/proto.md); no code from it.
//
// One thread reads requests; a pool of workers carries them out on the LUN
// concurrently (the client's queue depth reaches the target) and writes the
// replies, in completion order, matched by the client's handle.
#include "iscsi/blockdev/lun_device.hpp"

#include <map>
#include <string>

namespace iscsi::tools {

class nbd_server {
public:
    /// `exports`: name -> device; the first is also the default export (name "").
    nbd_server(std::map<std::string, blockdev::lun_device*> exports, unsigned workers)
        : exports_(std::move(exports)), workers_(workers)
    {
    }

    /// Serves one client on `fd` until it disconnects, breaks the protocol
    /// or the connection fails; closes `fd`. A line on stderr says why it
    /// ended when that was not a clean disconnect.
    void serve(int fd);

private:
    std::map<std::string, blockdev::lun_device*> exports_;
    unsigned workers_;
};

} // namespace iscsi::tools
