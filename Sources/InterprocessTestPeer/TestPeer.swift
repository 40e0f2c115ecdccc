@main struct Placeholder2 { static func main() {} }
