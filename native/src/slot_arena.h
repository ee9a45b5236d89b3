// Where an env's tensor handles (Box) live: 64 KiB chunks of fixed-size slots, aligned to their
// size, so that "is this External's pointer one of our Boxes" is a range lookup that never reads
// the pointer. It replaces a Node-API type tag on the hottest path: tagging and checking a tag cost
// about 250 instructions per handle and per use, and each handle's malloc'd Box, freed in GC-sized
// batches, fed glibc's fast bins and malloc_consolidate on every op. JS thread only (the finalizer
// that deletes a Box runs on it too).
#pragma once
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
    ++c->live;
    return p;
  }

  void Delete(T* p) {
    p->~T();
    auto* s = reinterpret_cast<Slot*>(p);
    Chunk* c = ChunkOf(reinterpret_cast<uintptr_t>(p));
    bool wasFull = c->free == nullptr;
    s->next = c->free;
    c->free = s;
    --c->live;
    if (c == current_) return;
    if (wasFull) Link(c);
    if (c->live == 0) Release(c);
  }

  // Whether p is a slot of this arena (live, for any p that one of our handles holds). Pure
  // arithmetic on p: any value, from any addon, is safe to ask about.
  bool Owns(const void* p) const {
    auto addr = reinterpret_cast<uintptr_t>(p);
    uintptr_t base = addr & ~(kChunkBytes - 1);
    uintptr_t offset = addr - base;
    if (offset < kFirstSlot || (offset - kFirstSlot) % sizeof(Slot) != 0) return false;
    size_t lo = 0, hi = chunks_.size();  // chunks_ is sorted: binary search
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      if (chunks_[mid] < base) lo = mid + 1;
      else hi = mid;
    }
    return lo < chunks_.size() && chunks_[lo] == base;
  }

  size_t ChunkCount() const { return chunks_.size(); }

 private:
  union Slot {
    Slot* next;
    alignas(T) unsigned char bytes[sizeof(T)];
  };
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
    auto at = chunks_.begin();
    while (at != chunks_.end() && *at < base) ++at;  // rare (once per 4,000 handles): a linear insert is fine
    try {
      chunks_.insert(at, base);
    } catch (...) {
      ::operator delete(mem, std::align_val_t{kChunkBytes});
      throw;
    }
    auto* c = new (mem) Chunk();
    auto* first = reinterpret_cast<Slot*>(base + kFirstSlot);
    for (size_t i = 0; i < kSlotsPerChunk; ++i) first[i].next = i + 1 < kSlotsPerChunk ? &first[i + 1] : nullptr;
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
    for (auto it = chunks_.begin(); it != chunks_.end(); ++it) {
      if (*it == base) {
        chunks_.erase(it);
        break;
      }
    }
    c->~Chunk();
    ::operator delete(reinterpret_cast<void*>(base), std::align_val_t{kChunkBytes});
  }

  std::vector<uintptr_t> chunks_;  // chunk base addresses, sorted
  Chunk* room_ = nullptr;          // chunks with free slots, other than current_
  Chunk* current_ = nullptr;
};

}  // namespace tn
