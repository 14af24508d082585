package import TobaRPC
package import TobaStore

/// Feedback from users (§8.11, `feedback_feedback`).
package final class Feedback: Sendable {
    let clock: ServiceClock

    package init(clock: ServiceClock) {
        self.clock = clock
    }

    package struct Submission: Sendable {
        package var satisfaction: String
        package var type: String
        /// The page of the site the feedback is about (not pagination).
        package var page: String
        package var message: String
        package var attachment: String?

        package init(satisfaction: String, type: String, page: String, message: String, attachment: String? = nil) {
            self.satisfaction = satisfaction
            self.type = type
            self.page = page
            self.message = message
            self.attachment = attachment
        }
    }

    /// `feedback.submit` → `{feedback}`, from the caller, now.
    package func submit(_ db: any SQLConnection, user: AuthUser, _ s: Submission) throws -> JSONValue {
        for (value, field, max) in [(s.satisfaction, "satisfaction", 20), (s.type, "type", 20), (s.page, "page", 40)] {
            try Validate.nonBlank(value, field: field)
            try Validate.length(value, max: max, field: field)
        }
        try Validate.nonBlank(s.message, field: "message")
        try Validate.length(s.attachment, max: 100, field: "attachment")
        try db.execute(sql: """
            INSERT INTO feedback_feedback (satisfaction, type, page, message, attachment, created_at, user_id) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [s.satisfaction, s.type, s.page, s.message, s.attachment ?? "", clock.now(), user.id])
        let record = try RecordJSON.fetch(db, table: Table.feedbackFeedback, id: db.lastInsertedRowID, orNotFound: "feedback")
        return ["feedback": record]
    }

    /// `feedback.list` (admin `feedback.view_feedback`): a page of feedback, newest first,
    /// optionally only of one `type` and one `page` (exact matches).
    package func list(_ db: any SQLConnection, type: String?, page pageFilter: String?, page: PageRequest) throws -> JSONValue {
        var conditions = ["TRUE"]
        var arguments: SQLArguments = []
        if let type {
            conditions.append("type = ?")
            arguments += [type]
        }
        if let pageFilter {
            conditions.append("page = ?")
            arguments += [pageFilter]
        }
        return try Page.fetch(db, table: Table.feedbackFeedback, page: page, order: .newestFirst(column: "created_at"),
                              where: conditions.joined(separator: " AND "), arguments: arguments)
    }
}
