// Where an env's tensor handles (Box) live: 64 KiB chunks of fixed-size slots, aligned to their
// size, so that "is this External's pointer a live Box of ours" is a range lookup, then a read of
// memory that is ours: a pointer from another addon is never dereferenced. It replaces a Node-API
// type tag on the hottest path: tagging a new handle and checking the tag on each use cost about
// 180 instructions each, and each handle's malloc'd Box, freed in GC-sized batches, fed glibc's
// fast bins and malloc_consolidate on every op. JS thread only (the finalizer that deletes a Box
// runs on it too).
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace tn {

template <class T>
class SlotArena {
 public:
  SlotArena() = default;
  SlotArena(const SlotArena&) = delete;
  SlotArena& operator=(const SlotArena&) = delete;
  ~SlotArena() {
    for (uintptr_t base : chunks_) ::operator delete(reinterpret_cast<void*>(base), std::align_val_t{kChunkBytes});
  }

  template <class... Args>
  T* New(Args&&... args) {
    Chunk* c = ChunkWithRoom();
    static_assert(std::is_nothrow_constructible_v<T, Args...>, "a slot is taken before T is constructed");
    Slot* s = c->free;
    c->free = s->next;  // read before T's constructor overwrites it
    T* p = new (s->bytes) T(std::forward<Args>(args)...);
    s->live = true;
    ++c->live;
    return p;
  }

  void Delete(T* p) {
    p->~T();
    auto* s = reinterpret_cast<Slot*>(p);
    s->live = false;
    Chunk* c = ChunkOf(reinterpret_cast<uintptr_t>(p));
    bool wasFull = c->free == nullptr;
    s->next = c->free;
    c->free = s;
    --c->live;
    if (c == current_) return;
    if (wasFull) Link(c);
    if (c->live == 0) Release(c);
  }

  // Whether p is a live T of this arena. p is read only once it is known to be one of our slots:
  // any value, from any addon, is safe to ask about.
  bool Owns(const void* p) const {
    auto addr = reinterpret_cast<uintptr_t>(p);
    uintptr_t base = addr & ~(kChunkBytes - 1);
    uintptr_t offset = addr - base;
    if (offset < kFirstSlot || (offset - kFirstSlot) % sizeof(Slot) != 0 || offset + sizeof(Slot) > kChunkBytes) return false;
    if (!std::binary_search(chunks_.begin(), chunks_.end(), base)) return false;
    return reinterpret_cast<const Slot*>(addr)->live;
  }

  size_t ChunkCount() const { return chunks_.size(); }
  static constexpr size_t SlotsPerChunk() { return kSlotsPerChunk; }

 private:
  // A T, or the next free slot while free; `live` tells which (a stale pointer finds false).
  struct Slot {
    union {
      Slot* next;
      alignas(T) unsigned char bytes[sizeof(T)];
    };
    bool live;
  };
  static_assert(offsetof(Slot, bytes) == 0, "a T's address is its slot's");
  struct Chunk {
    Slot* free = nullptr;
    size_t live = 0;
    Chunk* prev = nullptr;  // the list of chunks with room, other than current_
    Chunk* next = nullptr;
  };
  static constexpr uintptr_t kChunkBytes = 64 * 1024;
  static constexpr uintptr_t kFirstSlot = (sizeof(Chunk) + sizeof(Slot) - 1) / sizeof(Slot) * sizeof(Slot);
  static constexpr size_t kSlotsPerChunk = (kChunkBytes - kFirstSlot) / sizeof(Slot);

  static Chunk* ChunkOf(uintptr_t addr) { return reinterpret_cast<Chunk*>(addr & ~(kChunkBytes - 1)); }

  Chunk* ChunkWithRoom() {
    if (current_ && current_->free) return current_;
    if (room_) {
      current_ = room_;
      Unlink(current_);
      return current_;
    }
    current_ = NewChunk();
    return current_;
  }

  Chunk* NewChunk() {
    void* mem = ::operator new(kChunkBytes, std::align_val_t{kChunkBytes});
    auto base = reinterpret_cast<uintptr_t>(mem);
    try {
      chunks_.insert(std::lower_bound(chunks_.begin(), chunks_.end(), base), base);
    } catch (...) {
      ::operator delete(mem, std::align_val_t{kChunkBytes});
      throw;
    }
    auto* c = new (mem) Chunk();
    auto* first = reinterpret_cast<Slot*>(base + kFirstSlot);
    for (size_t i = 0; i < kSlotsPerChunk; ++i) {
      first[i].next = i + 1 < kSlotsPerChunk ? &first[i + 1] : nullptr;
      first[i].live = false;
    }
    c->free = first;
    return c;
  }

  // The list of chunks with room is intrusive, so that Delete (run by GC finalizers) never allocates.
  void Link(Chunk* c) {
    c->prev = nullptr;
    c->next = room_;
    if (room_) room_->prev = c;
    room_ = c;
  }
  void Unlink(Chunk* c) {
    (c->prev ? c->prev->next : room_) = c->next;
    if (c->next) c->next->prev = c->prev;
    c->prev = c->next = nullptr;
  }

  // An empty chunk other than current_ (so it is in room_) goes back to the system.
  void Release(Chunk* c) {
    Unlink(c);
    auto base = reinterpret_cast<uintptr_t>(c);
    chunks_.erase(std::lower_bound(chunks_.begin(), chunks_.end(), base));
    c->~Chunk();
    ::operator delete(reinterpret_cast<void*>(base), std::align_val_t{kChunkBytes});
  }

  std::vector<uintptr_t> chunks_;  // chunk base addresses, sorted
  Chunk* room_ = nullptr;          // chunks with free slots, other than current_
  Chunk* current_ = nullptr;
};

}  // namespace tn
