import TobaDomain
import TobaRPC
import TobaStore

/// §8.11 Feedback and landing.
enum ContentMethods {
    static func all(_ services: Services) -> [Method<any SQLConnection>] {
        let (feedback, landing) = (services.feedback, services.landing)
        let sessions = services.sessions
        return [
            Bind.authed("feedback.submit", sessions, decode: { p in
                Feedback.Submission(
                    satisfaction: try p.required("satisfaction"), type: try p.required("type"), page: try p.required("page"),
                    message: try p.required("message"), attachment: try p.optional("attachment"))
            }, touches: { _ in [Footprints.feedback] }) { submission, user, db in
                try feedback.submit(db, user: user, submission)
            },
            // `page` filters by the page of the site; pagination is `limit`/`cursor`.
            Bind.admin("feedback.list", sessions, permission: .feedbackViewFeedback, decode: { p in
                (type: try p.optional("type", as: String.self), page: try p.optional("page", as: String.self), paging: try p.page())
            }) { input, _, db in
                try feedback.list(db, type: input.type, page: input.page, page: input.paging)
            },
            Bind.open("landing.list", decode: { p in try p.page() }, footprint: { _ in Footprint.nothing.readingOnly }) { page, db in
                try landing.list(db, page: page)
            },
            Bind.admin("landing.slide.create", sessions, permission: .landingAddSwiperslide, decode: { p in
                let change = try slideChange(&p)
                guard change.texts["title"] != nil else { throw RPCError.invalidParams(.missing, field: "title") }
                return change
            }) { change, admin, db in
                try landing.createSlide(db, admin: admin, change)
            },
            Bind.admin("landing.slide.update", sessions, permission: .landingChangeSwiperslide, decode: { p in
                (slideId: try p.required("slideId", as: String.self), change: try slideChange(&p))
            }) { input, admin, db in
                try landing.updateSlide(db, admin: admin, slideId: input.slideId, input.change)
            },
            Bind.admin("landing.slide.delete", sessions, permission: .landingDeleteSwiperslide, decode: { p in
                try p.required("slideId", as: String.self)
            }) { slideId, admin, db in
                try landing.deleteSlide(db, admin: admin, slideId: slideId)
            },
            Bind.admin("landing.arrange", sessions, permission: .landingChangeSwiper, decode: { p in
                try placements(try p.required("slides", as: [JSONValue].self))
            }) { placements, admin, db in
                try landing.arrange(db, admin: admin, placements)
            },
        ]
    }

    /// The slide fields of create and update; a text field may not be null.
    static func slideChange(_ p: inout Params) throws -> Landing.SlideChange {
        var change = Landing.SlideChange()
        for name in Landing.SlideChange.textParameters {
            switch try p.patch(name, as: String.self) {
            case .absent: break
            case .null: throw RPCError.invalidParams(.type, field: name, detail: "expected string")
            case .value(let text): change.texts[name] = text
            }
        }
        change.eventIsOnline = try p.optional("eventIsOnline")
        change.isActive = try p.optional("isActive")
        change.eventStart = try p.timestampPatch("eventStart")
        change.eventEnd = try p.timestampPatch("eventEnd")
        change.videoDuration = try p.patch("videoDuration")
        change.backgroundColors = try p.patch("backgroundColors")
        return change
    }

    /// `slides: [{slideId, isShow?=true}]`; a bad entry names its place (`slides[1].slideId`).
    static func placements(_ items: [JSONValue]) throws -> [Landing.Placement] {
        try items.enumerated().map { index, item in
            guard case .object(let object) = item else {
                throw RPCError.invalidParams(.type, field: "slides[\(index)]", detail: "expected an object")
            }
            var entry = Params(object)
            do {
                let placement = Landing.Placement(slideId: try entry.required("slideId"), isShow: try entry.optional("isShow") ?? true)
                try entry.finish()
                return placement
            } catch var error as RPCError {
                if let field = error.data["field"]?.stringValue { error.data["field"] = .string("slides[\(index)].\(field)") }
                throw error
            }
        }
    }
}
